#pragma once
// Internal to the DICOM reader: what one file's header says (read by GDCM up
// to the pixel data) in plain types, and the decoded pixels of one file.
#include <array>
#include <cstdint>
#include <filesystem>
#include <glm/glm.hpp>
#include <optional>
#include <span>
#include <string>
#include <variant>
#include <vector>

#include "medverse/core/result.h"

namespace medverse::imaging::dicom {

using Orientation = std::array<double, 6>;  // IOP: row direction, column direction

// Geometry and rescale of one frame (of a multi-frame file, from the
// functional groups) or of a single-frame file.
struct FrameInfo {
  std::optional<glm::dvec3> position;      // IPP
  std::optional<Orientation> orientation;  // IOP
  std::optional<glm::dvec2> pixelSpacing;  // row spacing, column spacing
  std::optional<double> sliceThickness;
  std::optional<double> spacingBetweenSlices;
  double slope = 1.0;
  double intercept = 0.0;
};

struct FileHeader {
  std::filesystem::path file;
  std::string seriesUid;
  std::string description;
  std::string modality;
  std::string photometric;
  unsigned rows = 0;
  unsigned columns = 0;
  unsigned frames = 1;  // NumberOfFrames, 1 when absent
  unsigned samplesPerPixel = 1;
  bool isImage = false;  // has Rows and Columns (pixel data follows)
  // Top-level attributes (single-frame files, and the fallback of
  // multi-frame files).
  FrameInfo top;
  // One per frame for multi-frame files with functional groups; else empty.
  std::vector<FrameInfo> perFrame;
  std::vector<double> gridFrameOffsets;  // RT dose (3004,000C)
  // Set when the header is one GDCM's image reader is known to abort on
  // (Debian's GDCM keeps its assertions); decodePixels then refuses it.
  std::string undecodable;
};

enum class ReadStatus { Ok, NotDicom };

struct HeaderResult {
  ReadStatus status = ReadStatus::Ok;
  FileHeader header;
  std::string problem;  // why it is not DICOM
};

// Reads the header (no pixel data). NotDicom for files GDCM cannot parse.
[[nodiscard]] HeaderResult readHeader(const std::filesystem::path& file);

// Frames of one file after decoding: values in modality units (rescaled,
// MONOCHROME1 inverted), frame after frame, columns fastest.
struct DecodedPixels {
  // Range of the decoded values, and whether all are integers.
  float lo = 0.0F;
  float hi = 0.0F;
  bool integral = true;
  bool rawUnscaledUInt8 = false;   // stored uint8 and slope 1 / intercept 0
  bool rawUnscaledUInt16 = false;  // stored uint16 and slope 1 / intercept 0
};

// Where each frame's columns x rows values go, in the volume's voxel type.
using FrameTargets = std::variant<std::span<float* const>, std::span<std::int16_t* const>,
                                  std::span<std::uint16_t* const>, std::span<std::uint8_t* const>>;

// Decodes all frames of `header.file` in modality units; `frames` gives each
// frame's rescale. Integer targets get values clamped to their range: the
// returned lo/hi/integral tell whether the target type held them exactly.
[[nodiscard]] Result<DecodedPixels> decodePixels(const FileHeader& header,
                                                 const std::vector<FrameInfo>& frames,
                                                 bool invertMonochrome1,
                                                 const FrameTargets& targets);

// Quietens GDCM's own stderr chatter (errors come back as values instead).
void silenceGdcm();

}  // namespace medverse::imaging::dicom

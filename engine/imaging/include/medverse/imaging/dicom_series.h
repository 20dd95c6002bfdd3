#pragma once
// DICOM image series -> Volume (through GDCM; no GDCM type leaks out of here).
//
// Finding series (findDicomSeries / scanDicom):
//  - A file or a directory tree is walked; each file's header is read up to
//    the pixel data. Files that are not DICOM are skipped and counted; DICOM
//    objects without an image (no Rows/Columns: SR, presentation states,
//    DICOMDIR, RT structure sets, ...) are skipped with a note.
//  - Image files are grouped by SeriesInstanceUID and, inside one series, by
//    geometry (orientation, rows/columns, pixel spacing). A series that mixes
//    geometries (localizers, several stacks under one UID) yields one
//    SeriesInfo per geometry, each marked `mixedGeometry` with its group
//    number; `key()` tells them apart.
//
// Reading a series (readDicomSeries):
//  - Slices (single-frame files, or the frames of multi-frame files) are
//    ordered by their position along the slice normal, normal =
//    cross(row, column) of ImageOrientationPatient, key = dot(normal, IPP);
//    never by file name or InstanceNumber.
//  - Geometry: origin = IPP of the first slice along the normal; direction
//    columns = IOP row, IOP column, normal (oblique stacks are fine);
//    spacing i/j from PixelSpacing (column spacing, row spacing), k from the
//    sorted positions, which must be uniform (within 1% or 0.01 mm).
//    Missing slices, uneven spacing, duplicate positions, mixed geometry
//    and gantry tilt (positions not advancing along the normal; the message
//    gives the angle) are refused with an Error naming the files involved.
//  - A single single-frame file gives a 1-slice volume whose k spacing is
//    SliceThickness (else SpacingBetweenSlices, else 1 mm).
//  - Multi-frame files: positions/orientation/pixel spacing/rescale come from
//    the per-frame functional groups (5200,9230), falling back to the shared
//    groups (5200,9229); without them, frames are contiguous from the file's
//    IPP along the normal, at GridFrameOffsetVector (RT dose) or
//    SpacingBetweenSlices (else SliceThickness, else 1 mm).
//  - Pixels are decoded by GDCM (every transfer syntax it supports: native
//    little/big endian, implicit VR, RLE, JPEG baseline/lossless, JPEG-LS,
//    JPEG 2000, deflate). Values are masked/sign-extended to BitsStored per
//    PixelRepresentation, MONOCHROME1 is inverted to MONOCHROME2 meaning
//    (except for CT/PT, whose rescaled values are quantities), and
//    RescaleSlope/Intercept (DoseGridScaling for RT dose) is applied, so CT is
//    in HU. Storage: UInt8 / UInt16 when the raw data is unscaled and fits,
//    Int16 when all values are integers in int16 range, else Float32.
//  - Colour images (SamplesPerPixel != 1) are refused.
//  - Truncated or corrupt files give an Error whose message starts with the
//    file's path.
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

#include "medverse/core/result.h"
#include "medverse/imaging/volume.h"

namespace medverse::imaging {

// Volumes larger than this (after conversion) are refused.
inline constexpr std::uint64_t kMaxDicomVoxelBytes = std::uint64_t{2} << 30;

struct SeriesInfo {
  std::string uid;          // SeriesInstanceUID (0020,000E)
  std::string description;  // SeriesDescription (0008,103E)
  std::string modality;     // Modality (0008,0060) as written, e.g. "CT"
  std::size_t fileCount = 0;
  std::size_t frameCount = 0;  // sum of NumberOfFrames over the files
  glm::ivec3 dimsGuess{0};     // columns, rows, frameCount
  // True when the files of this UID do not share one geometry; this
  // SeriesInfo then holds only the files of geometry group `geometryGroup`.
  bool mixedGeometry = false;
  int geometryGroup = 0;
  std::vector<std::filesystem::path> files;  // sorted by path

  // The UID, or "UID#group" for a group of a mixed series: a unique
  // selector for readDicomSeries(path, selection).
  [[nodiscard]] std::string key() const;
  // One line for listings: key, description, modality, files, dims.
  [[nodiscard]] std::string summary() const;
};

struct DicomScan {
  std::vector<SeriesInfo> series;  // ordered by UID, then geometry group
  std::size_t filesSeen = 0;
  std::size_t nonDicomFiles = 0;    // not DICOM at all, or unreadable header
  std::size_t nonImageObjects = 0;  // DICOM without pixel data (SR, PR, ...)
  std::vector<std::string> notes;   // one line per skipped object / oddity
};

// Walks `fileOrDirectory` (recursively) and groups image files into series.
// Errors only when the path does not exist or cannot be listed.
[[nodiscard]] Result<DicomScan> scanDicom(const std::filesystem::path& fileOrDirectory);
[[nodiscard]] Result<std::vector<SeriesInfo>> findDicomSeries(
    const std::filesystem::path& fileOrDirectory);

// Reads one series (as listed by findDicomSeries, or built by hand from a
// list of files) into a Volume.
[[nodiscard]] Result<Volume> readDicomSeries(const SeriesInfo& series);

// Finds the series under `fileOrDirectory` and reads the one selected by
// `selection`: a SeriesInstanceUID, a key() or a SeriesDescription (exact,
// case-insensitive). An empty selection is fine when there is exactly one
// series; otherwise the Error lists the series found.
[[nodiscard]] Result<Volume> readDicomSeries(const std::filesystem::path& fileOrDirectory,
                                             std::string_view selection = {});

}  // namespace medverse::imaging

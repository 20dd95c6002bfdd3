#pragma once
// A check GDCM does not make: every value length in a DICOM file must fit in
// what is left of the file. GDCM allocates an element's buffer from its
// declared length before reading it, so a few-KB file declaring a 4 GB
// element (or pixel-data fragment) makes it allocate and zero 4 GB. Found by
// fuzz/fuzz_dicom; see docs/RELIABILITY.md.
#include <cstdint>
#include <filesystem>
#include <optional>
#include <string>

namespace medverse::imaging::dicom {

struct LengthProblem {
  std::string what;          // empty: every length fits
  bool inPixelData = false;  // at or after PixelData (7FE0,0010), e.g. a truncated image
  // Length of a native (not encapsulated) top-level PixelData, if any.
  std::optional<std::uint64_t> nativePixelBytes;
  // Top-level encapsulated PixelData: the bytes of its fragments (offset
  // table excluded), how many fragments hold frame data, and the image size
  // the first fragment's codestream declares (JPEG and JPEG-LS SOF, JPEG 2000
  // SIZ), when it starts with one. A decoder allocates from Rows x Columns x
  // frames, so these bound what the file can honestly decode to.
  std::optional<std::uint64_t> encapsulatedPixelBytes;
  std::uint64_t pixelFragments = 0;
  std::optional<std::uint32_t> codestreamColumns;
  std::optional<std::uint32_t> codestreamRows;  // unset for a JPEG with height 0 (DNL)
  std::string codestreamKind;                   // "JPEG", "JPEG-LS" or "JPEG 2000"
  std::string transferSyntax;                   // from the file meta, if any
};

// Walks the file's elements (file meta, then the data set in its transfer
// syntax, into sequences and encapsulated pixel data) reading only their
// headers. Returns a description of the first element whose length exceeds
// the rest of the file ("element (7FE0,0010) at byte 1520 claims 4289675926
// bytes, but only 4505 follow"), or nothing when every length fits or the
// layout is not one it can follow (deflated data sets, damage GDCM will
// refuse anyway): it only ever reports lengths that are certainly impossible.
[[nodiscard]] LengthProblem impossibleLength(const std::filesystem::path& file);

}  // namespace medverse::imaging::dicom

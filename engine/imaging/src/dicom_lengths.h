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

// Fuzz target: the NIfTI-1/2 reader (readNifti) on a .nii or .nii.gz file
// written from the input.
//
// Input: mode (1) | file bytes.
//   mode % 3 == 0: written as x.nii
//   mode % 3 == 1: gzip-compressed here and written as x.nii.gz (the reader's
//                  gzip path on well-formed streams, hostile headers inside)
//   mode % 3 == 2: written as x.nii.gz as it is (hostile gzip streams)
#include <zlib.h>

#include <cstddef>
#include <cstdint>
#include <vector>

#include "fuzz_support.h"
#include "medverse/imaging/nifti.h"

using namespace medverse;

namespace {

std::vector<uint8_t> gzip(std::span<const uint8_t> raw) {
  z_stream z{};
  if (deflateInit2(&z, 1, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) {
    std::abort();
  }
  std::vector<uint8_t> out(deflateBound(&z, raw.size()) + 32);
  z.next_in = const_cast<Bytef*>(raw.data());  // NOLINT: zlib's API is not const
  z.avail_in = static_cast<uInt>(raw.size());
  z.next_out = out.data();
  z.avail_out = static_cast<uInt>(out.size());
  if (deflate(&z, Z_FINISH) != Z_STREAM_END) {
    std::abort();
  }
  out.resize(z.total_out);
  deflateEnd(&z);
  return out;
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  static fuzz::ScratchDir scratch;
  if (size == 0) {
    return 0;
  }
  const std::span<const uint8_t> file(data + 1, size - 1);
  const auto& dir = scratch.fresh();
  std::filesystem::path path;
  switch (data[0] % 3) {
    case 0:
      path = dir / "x.nii";
      fuzz::writeFile(path, file);
      break;
    case 1:
      path = dir / "x.nii.gz";
      fuzz::writeFile(path, gzip(file));
      break;
    default:
      path = dir / "x.nii.gz";
      fuzz::writeFile(path, file);
      break;
  }
  auto volume = imaging::readNifti(path);
  if (volume) {
    MEDVERSE_FUZZ_CHECK(volume->validate().ok());
  } else {
    // Errors start with the path (nifti.h).
    MEDVERSE_FUZZ_CHECK(volume.error().message.starts_with(path.string()));
  }
  return 0;
}

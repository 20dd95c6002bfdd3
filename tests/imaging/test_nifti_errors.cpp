// Damaged or unsupported files give an Error that names the file and the
// problem; none crashes, hangs or makes the reader allocate what a corrupt
// header claims.
#include <doctest/doctest.h>

#include <chrono>
#include <cstdint>
#include <string>
#include <vector>

#include "checks.h"
#include "medverse/imaging/nifti.h"
#include "nibabel_reference.h"
#include "nifti_writer.h"
#include "temp_files.h"

namespace medverse::imaging {
namespace {

using testing::checkFailure;
using testing::NiftiSpec;
using testing::TempDir;

NiftiSpec int16Cube(int n) {
  NiftiSpec spec;
  spec.dim = {3, n, n, n, 1, 1, 1, 1};
  spec.datatype = 4;  // DT_INT16
  spec.bitpix = 16;
  return spec;
}

std::vector<std::byte> bytesOf(const std::string& text) {
  const auto* data = reinterpret_cast<const std::byte*>(text.data());
  return {data, data + text.size()};
}

TEST_CASE("a missing file is reported by name") {
  TempDir dir;
  checkFailure(readNifti(dir / "absent.nii.gz"), dir / "absent.nii.gz", {"no such file"});
}

TEST_CASE("a file that is not NIfTI at all is recognised as such") {
  TempDir dir;
  SUBCASE("text") {
    testing::writeFile(dir / "notes.nii", bytesOf(std::string(400, 'x')));
    checkFailure(readNifti(dir / "notes.nii"), dir / "notes.nii",
                 {"not a NIfTI file", "sizeof_hdr"});
  }
  SUBCASE("empty") {
    testing::writeFile(dir / "empty.nii", {});
    checkFailure(readNifti(dir / "empty.nii"), dir / "empty.nii", {"not a NIfTI file"});
  }
}

TEST_CASE("a NIfTI-sized header with the wrong magic is refused as bad magic") {
  TempDir dir;
  NiftiSpec spec;
  spec.magic = std::string{'a', 'b', 'c', '\0'};
  testing::writeFile(dir / "bad_magic.nii", testing::niftiFile<std::uint8_t>(spec, {7}));
  checkFailure(readNifti(dir / "bad_magic.nii"), dir / "bad_magic.nii", {"bad magic", "'abc'"});
}

TEST_CASE("ANALYZE 7.5 headers and NIfTI .hdr/.img pairs are refused with the reason") {
  const std::filesystem::path data = "/usr/lib/python3/dist-packages/nibabel/tests/data";
  checkFailure(readNifti(data / "analyze.hdr"), data / "analyze.hdr", {"bad magic", "ANALYZE"});
  checkFailure(readNifti(data / "nifti1.hdr"), data / "nifti1.hdr", {".hdr/.img pair"});
  checkFailure(readNifti(data / "nifti2.hdr"), data / "nifti2.hdr", {".hdr/.img pair"});
}

TEST_CASE("a truncated header is reported with the sizes involved") {
  TempDir dir;
  SUBCASE("NIfTI-1, plain") {
    auto bytes = testing::niftiHeader(NiftiSpec{});
    bytes.resize(100);
    testing::writeFile(dir / "short.nii", bytes);
    checkFailure(readNifti(dir / "short.nii"), dir / "short.nii",
                 {"truncated header", "348", "100"});
  }
  SUBCASE("NIfTI-2, gzip") {
    NiftiSpec spec;
    spec.version = 2;
    auto bytes = testing::niftiHeader(spec);
    bytes.resize(400);
    testing::writeGzipFile(dir / "short.nii.gz", bytes);
    checkFailure(readNifti(dir / "short.nii.gz"), dir / "short.nii.gz",
                 {"truncated header", "540", "400"});
  }
}

TEST_CASE("truncated voxel data is reported as expected N bytes, got M") {
  TempDir dir;
  auto bytes = testing::niftiFile(int16Cube(10), std::vector<std::int16_t>(1000, 5));
  bytes.resize(352 + 500);
  SUBCASE("plain: refused from the file size, before reading") {
    testing::writeFile(dir / "cut.nii", bytes);
    checkFailure(readNifti(dir / "cut.nii"), dir / "cut.nii",
                 {"truncated data", "expected 2000 bytes", "offset 352", "got 500"});
  }
  SUBCASE("gzip: found while decompressing") {
    testing::writeGzipFile(dir / "cut.nii.gz", bytes);
    checkFailure(readNifti(dir / "cut.nii.gz"), dir / "cut.nii.gz",
                 {"truncated data", "expected 2000 bytes", "got 500"});
  }
  SUBCASE("vox_offset beyond the end of the file") {
    NiftiSpec spec = int16Cube(2);
    spec.voxOffset = 4096;
    auto header = testing::niftiHeader(spec);
    header.resize(1000);
    testing::writeGzipFile(dir / "offset.nii.gz", header);
    checkFailure(readNifti(dir / "offset.nii.gz"), dir / "offset.nii.gz",
                 {"truncated data", "offset 4096"});
  }
}

TEST_CASE("a real .nii.gz cut in half or corrupted mid-stream gives an error, not a crash") {
  TempDir dir;
  const std::vector<std::byte> original = testing::readRaw(testing::kAal.path);
  SUBCASE("cut") {
    const std::vector<std::byte> half(
        original.begin(), original.begin() + static_cast<std::ptrdiff_t>(original.size() / 2));
    testing::writeFile(dir / "aal_half.nii.gz", half);
    checkFailure(readNifti(dir / "aal_half.nii.gz"), dir / "aal_half.nii.gz", {"truncated data"});
  }
  SUBCASE("corrupted") {
    std::vector<std::byte> damaged = original;
    for (std::size_t i = 100; i < 400; ++i) {
      damaged[i] = std::byte{0xFF};
    }
    testing::writeFile(dir / "aal_damaged.nii.gz", damaged);
    checkFailure(readNifti(dir / "aal_damaged.nii.gz"), dir / "aal_damaged.nii.gz", {"gzip"});
  }
}

TEST_CASE("a .nii.gz whose gzip checksum does not match its data is refused") {
  TempDir dir;
  testing::writeGzipFile(dir / "good.nii.gz",
                         testing::niftiFile(int16Cube(4), std::vector<std::int16_t>(64, 9)));
  std::vector<std::byte> bytes = testing::readRaw(dir / "good.nii.gz");
  // The gzip trailer is CRC-32 then ISIZE, little-endian (RFC 1952).
  bytes[bytes.size() - 8] ^= std::byte{0x01};
  testing::writeFile(dir / "bad_crc.nii.gz", bytes);
  REQUIRE(readNifti(dir / "good.nii.gz").ok());
  checkFailure(readNifti(dir / "bad_crc.nii.gz"), dir / "bad_crc.nii.gz", {"corrupt gzip stream"});
}

TEST_CASE("absurd dimensions are refused at once, without allocating for them") {
  TempDir dir;
  const auto start = std::chrono::steady_clock::now();
  SUBCASE("NIfTI-1: 32767^3 float32, beyond the 2 GiB cap") {
    NiftiSpec spec;
    spec.dim = {3, 32767, 32767, 32767, 1, 1, 1, 1};
    spec.datatype = 16;
    spec.bitpix = 32;
    testing::writeFile(dir / "huge.nii", testing::niftiHeader(spec));
    checkFailure(readNifti(dir / "huge.nii"), dir / "huge.nii", {"too large", "2 GiB"});
  }
  SUBCASE("NIfTI-2: 2^40 voxels along one axis") {
    NiftiSpec spec;
    spec.version = 2;
    spec.dim = {3, std::int64_t{1} << 40, 1, 1, 1, 1, 1, 1};
    testing::writeFile(dir / "huge2.nii", testing::niftiHeader(spec));
    checkFailure(readNifti(dir / "huge2.nii"), dir / "huge2.nii", {"too large"});
  }
  SUBCASE("1.5 GB promised by a gzip file of a few hundred bytes") {
    NiftiSpec spec;
    spec.dim = {3, 1500, 1000, 1000, 1, 1, 1, 1};
    testing::writeGzipFile(dir / "bomb.nii.gz", testing::niftiHeader(spec));
    checkFailure(readNifti(dir / "bomb.nii.gz"), dir / "bomb.nii.gz",
                 {"truncated data", "1500000000 bytes"});
  }
  CHECK(std::chrono::steady_clock::now() - start < std::chrono::seconds(2));
}

TEST_CASE("unsupported datatypes are named by code") {
  TempDir dir;
  NiftiSpec spec;
  spec.datatype = 128;  // DT_RGB24
  spec.bitpix = 24;
  testing::writeFile(dir / "rgb.nii", testing::niftiFile<std::uint8_t>(spec, {1, 2, 3}));
  checkFailure(readNifti(dir / "rgb.nii"), dir / "rgb.nii",
               {"unsupported datatype code 128", "rgb24"});

  spec.datatype = 1792;  // DT_COMPLEX128
  spec.bitpix = 128;
  testing::writeFile(dir / "complex.nii",
                     testing::niftiFile<std::uint8_t>(spec, std::vector<std::uint8_t>(16)));
  checkFailure(readNifti(dir / "complex.nii"), dir / "complex.nii",
               {"unsupported datatype code 1792"});
}

TEST_CASE("non-positive dimensions are refused") {
  TempDir dir;
  NiftiSpec spec;
  SUBCASE("zero") {
    spec.dim = {3, 4, 0, 4, 1, 1, 1, 1};
    testing::writeFile(dir / "zero.nii", testing::niftiHeader(spec));
    checkFailure(readNifti(dir / "zero.nii"), dir / "zero.nii",
                 {"non-positive dimension", "dim[2] = 0"});
  }
  SUBCASE("negative") {
    spec.dim = {3, 4, 4, -4, 1, 1, 1, 1};
    testing::writeFile(dir / "negative.nii", testing::niftiHeader(spec));
    checkFailure(readNifti(dir / "negative.nii"), dir / "negative.nii", {"dim[3] = -4"});
  }
  SUBCASE("dim[0] out of 1..7") {
    spec.dim = {9, 4, 4, 4, 1, 1, 1, 1};
    testing::writeFile(dir / "rank.nii", testing::niftiHeader(spec));
    checkFailure(readNifti(dir / "rank.nii"), dir / "rank.nii", {"dim[0] = 9"});
  }
}

TEST_CASE("a vox_offset that points into the header is refused") {
  TempDir dir;
  NiftiSpec spec;
  spec.voxOffset = 100;
  auto bytes = testing::niftiHeader(spec);
  bytes.resize(400);
  testing::writeFile(dir / "overlap.nii", bytes);
  checkFailure(readNifti(dir / "overlap.nii"), dir / "overlap.nii", {"vox_offset 100"});
}

}  // namespace
}  // namespace medverse::imaging

// DICOM files whose lengths lie (regressions from fuzz/fuzz_dicom): GDCM
// allocates what an element or pixel-data fragment claims before reading it,
// so a few-KB file could make it allocate and zero gigabytes. Such files are
// refused with an error naming the file and the element, before GDCM reads
// the lie.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdint>
#include <filesystem>
#include <fstream>
#include <iterator>
#include <string>
#include <vector>

#include "medverse/imaging/dicom_series.h"
#include "temp_files.h"

namespace medverse::imaging {
namespace {

namespace fs = std::filesystem;
using testing::TempDir;

const fs::path kPydicomData = "/usr/lib/python3/dist-packages/pydicom/data/test_files";

std::vector<std::uint8_t> readBytes(const fs::path& path) {
  std::ifstream in(path, std::ios::binary);
  return {std::istreambuf_iterator<char>(in), std::istreambuf_iterator<char>()};
}

void writeBytes(const fs::path& path, const std::vector<std::uint8_t>& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
}

void putU32(std::vector<std::uint8_t>& bytes, std::size_t at, std::uint32_t value) {
  for (std::size_t i = 0; i < 4; ++i) {
    bytes.at(at + i) = static_cast<std::uint8_t>(value >> (8 * i));
  }
}

// Offset of the first occurrence of `pattern` at or after `from`.
std::size_t find(const std::vector<std::uint8_t>& bytes, const std::vector<std::uint8_t>& pattern,
                 std::size_t from = 0) {
  const auto it = std::search(bytes.begin() + static_cast<std::ptrdiff_t>(from), bytes.end(),
                              pattern.begin(), pattern.end());
  REQUIRE(it != bytes.end());
  return static_cast<std::size_t>(it - bytes.begin());
}

const std::vector<std::uint8_t> kPixelDataTag{0xE0, 0x7F, 0x10, 0x00};
const std::vector<std::uint8_t> kItemTag{0xFE, 0xFF, 0x00, 0xE0};
const std::vector<std::uint8_t> kSequenceDelimiter{0xFE, 0xFF, 0xDD, 0xE0};

void checkRefused(const fs::path& file, const std::string& fragment) {
  auto volume = readDicomSeries(file);
  REQUIRE_FALSE(volume.ok());
  INFO("message: " << volume.error().message);
  CHECK(volume.error().message.find(file.string()) != std::string::npos);
  CHECK(volume.error().message.find(fragment) != std::string::npos);
}

// Writes `bytes` as `name` alone in a folder and checks that scanning it
// skips the file with one note naming it and saying `fragment`.
void checkSkipped(const std::string& name, const std::vector<std::uint8_t>& bytes,
                  const std::string& fragment) {
  TempDir dir;
  writeBytes(dir / name, bytes);
  auto scan = scanDicom(dir / "");
  REQUIRE(scan.ok());
  CHECK(scan->series.empty());
  REQUIRE(scan->notes.size() == 1);
  INFO("note: " << scan->notes[0]);
  CHECK(scan->notes[0].find(name) != std::string::npos);
  CHECK(scan->notes[0].find(fragment) != std::string::npos);
}

bool havePydicom(const fs::path& file) {
  if (fs::exists(file)) {
    return true;
  }
  MESSAGE("pydicom test data not installed; skipped");
  return false;
}

TEST_CASE("dicom: garbage after the pixel-data fragments is refused before GDCM reads it") {
  // The fuzz_dicom input: JPEG 2000 fragments followed by bytes that GDCM
  // took for an element of 4 GB (its allocation, not a read, was the crash).
  const fs::path source = kPydicomData / "MR_small_jp2klossless.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t delimiter = find(bytes, kSequenceDelimiter, find(bytes, kPixelDataTag));
  const std::vector<std::uint8_t> garbage{0x91, 0xB9, 0x37, 0x2E, 0xF2, 0x2F, 0x9E, 0xAE};
  std::copy(garbage.begin(), garbage.end(), bytes.begin() + static_cast<std::ptrdiff_t>(delimiter));
  TempDir dir;
  const fs::path file = dir / "garbage-after-fragments.dcm";
  writeBytes(file, bytes);
  checkRefused(file, "encapsulated pixel data is corrupt");
}

TEST_CASE("dicom: a pixel-data fragment claiming 4 GB is refused") {
  const fs::path source = kPydicomData / "MR_small_jp2klossless.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t offsetTable = find(bytes, kItemTag, find(bytes, kPixelDataTag));
  const std::size_t fragment = find(bytes, kItemTag, offsetTable + 8);
  putU32(bytes, fragment + 4, 0xFFAF0000U);
  TempDir dir;
  const fs::path file = dir / "huge-fragment.dcm";
  writeBytes(file, bytes);
  checkRefused(file, "claims 4289658880 bytes");
}

TEST_CASE("dicom: pixel data claiming more than the file holds is refused, naming the file") {
  const fs::path source = kPydicomData / "MR_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t pixelData = find(bytes, kPixelDataTag);
  putU32(bytes, pixelData + 8, 0xF0000000U);  // explicit VR OW: 4-byte length at +8
  TempDir dir;
  const fs::path file = dir / "huge-pixel-data.dcm";
  writeBytes(file, bytes);
  checkRefused(file, "(7FE0,0010)");
}

TEST_CASE("dicom: a header element claiming more than the file holds skips the file with a note") {
  const fs::path source = kPydicomData / "MR_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  // Patient's Name (0010,0010), explicit VR PN: 2-byte length at +6.
  const std::size_t name = find(bytes, {0x10, 0x00, 0x10, 0x00, 'P', 'N'});
  bytes.at(name + 6) = 0xFF;
  bytes.at(name + 7) = 0xFF;
  bytes.resize(name + 8 + 1000);  // 65535 bytes claimed, 1000 left
  TempDir dir;
  writeBytes(dir / "huge-name.dcm", bytes);
  auto scan = scanDicom(dir / "");
  REQUIRE(scan.ok());
  CHECK(scan->series.empty());
  CHECK(scan->nonDicomFiles == 1);
  REQUIRE(scan->notes.size() == 1);
  INFO("note: " << scan->notes[0]);
  CHECK(scan->notes[0].find("huge-name.dcm") != std::string::npos);
  CHECK(scan->notes[0].find("(0010,0010)") != std::string::npos);
}

TEST_CASE("dicom: Rows and Columns larger than the pixel data are refused before allocating") {
  // fuzz_dicom: a 10 KB file declaring thousands of rows and columns made the reader
  // allocate its 2 GiB limit before decoding failed (14 s per input).
  const fs::path source = kPydicomData / "MR_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  for (const std::uint8_t element : {0x10, 0x11}) {  // Rows, Columns: explicit VR US
    const std::size_t at = find(bytes, {0x28, 0x00, element, 0x00, 'U', 'S', 0x02, 0x00});
    bytes.at(at + 8) = 0x00;  // 4096: within the reader's size limit
    bytes.at(at + 9) = 0x10;
  }
  TempDir dir;
  const fs::path file = dir / "huge-dims.dcm";
  writeBytes(file, bytes);
  checkRefused(file, "PixelData (7FE0,0010) holds 8192 bytes");
}

// Compressed images: the compressed size alone does not bound the decoded
// one, so before these checks a file declaring large Rows x Columns made the
// reader allocate the volume (up to its 2 GiB limit) before GDCM failed to
// decode it. Now the header must agree with the codestream's own frame
// header, with the fragment count and with what the codec can expand to.
void setDims(std::vector<std::uint8_t>& bytes, std::uint8_t high) {
  for (const std::uint8_t element : {0x10, 0x11}) {  // Rows, Columns: explicit VR US
    const std::size_t at = find(bytes, {0x28, 0x00, element, 0x00, 'U', 'S', 0x02, 0x00});
    bytes.at(at + 8) = 0x00;
    bytes.at(at + 9) = high;  // 256 x high
  }
}

TEST_CASE(
    "dicom: a compressed image declaring more Rows x Columns than its codestream is refused") {
  struct Case {
    const char* file;
    const char* kind;
  };
  for (const Case c : {Case{"MR_small_jpeg_ls_lossless.dcm", "JPEG-LS codestream"},
                       Case{"MR_small_jp2klossless.dcm", "JPEG 2000 codestream"},
                       Case{"JPEG-lossy.dcm", "JPEG codestream"}}) {
    CAPTURE(c.file);
    const fs::path source = kPydicomData / c.file;
    if (!havePydicom(source)) {
      return;
    }
    std::vector<std::uint8_t> bytes = readBytes(source);
    setDims(bytes, 0x10);  // 4096 x 4096: within the reader's limit, a 64 MB volume
    TempDir dir;
    const fs::path file = dir / "huge-compressed.dcm";
    writeBytes(file, bytes);
    checkRefused(file, c.kind);
    checkRefused(file, "Rows x Columns (0028,0010/0011) are 4096 x 4096");
  }
}

TEST_CASE("dicom: RLE pixel data too small for its Rows x Columns is refused before decoding") {
  const fs::path source = kPydicomData / "MR_small_RLE.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  setDims(bytes, 0x10);  // 32 MB decoded from about 6 KB: RLE expands at most 64 times
  TempDir dir;
  const fs::path file = dir / "huge-rle.dcm";
  writeBytes(file, bytes);
  checkRefused(file, "decode to at most");
}

TEST_CASE("dicom: more frames than compressed fragments are refused before decoding") {
  const fs::path source = kPydicomData / "JPEG-lossy.dcm";  // NumberOfFrames "1 ", one fragment
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t at = find(bytes, {0x28, 0x00, 0x08, 0x00, 'I', 'S', 0x02, 0x00});
  bytes.at(at + 8) = '9';
  TempDir dir;
  const fs::path file = dir / "frames.dcm";
  writeBytes(file, bytes);
  checkRefused(file, "NumberOfFrames (0028,0008) is 9 but the encapsulated PixelData");
}

TEST_CASE("dicom: the compressed images of pydicom's test data still pass the consistency checks") {
  // The checks above must not refuse honest files: every transfer syntax.
  // (JPEG2000.dcm decodes 1024 x 256 x 16 bits from 266 bytes: JPEG 2000
  // has no expansion bound.)
  for (const char* name : {"MR_small_jpeg_ls_lossless.dcm", "MR_small_jp2klossless.dcm",
                           "MR_small_RLE.dcm", "JPEG-lossy.dcm", "JPGExtended.dcm", "JPEG2000.dcm",
                           "693_J2KI.dcm", "J2K_pixelrep_mismatch.dcm", "rtdose_rle.dcm"}) {
    CAPTURE(name);
    const fs::path source = kPydicomData / name;
    if (!havePydicom(source)) {
      return;
    }
    auto volume = readDicomSeries(source);
    INFO("message: " << (volume.ok() ? std::string() : volume.error().message));
    CHECK(volume.ok());
  }
}

TEST_CASE("dicom: an RLE frame header with an impossible segment count is refused") {
  // fuzz_dicom: GDCM's RLE decoder read past its buffer (SEGV) on 0x7C000002
  // segments.
  const fs::path source = kPydicomData / "MR_small_RLE.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t offsetTable = find(bytes, kItemTag, find(bytes, kPixelDataTag));
  const std::size_t frame = find(bytes, kItemTag, offsetTable + 8);
  putU32(bytes, frame + 8, 0x7C000002U);
  TempDir dir;
  const fs::path file = dir / "rle-segments.dcm";
  writeBytes(file, bytes);
  checkRefused(file, "RLE frame at byte");
}

TEST_CASE("dicom: a stray delimiter tag with a 4 GB length inside a sequence is refused") {
  // fuzz_dicom: an implicit-VR file without preamble whose nested item holds
  // (FFFE,0000) with length 0xFFFE0000; GDCM allocated 4 GB for it.
  std::vector<std::uint8_t> bytes{0x08, 0x00, 0x05, 0x00, 10, 0, 0, 0};  // (0008,0005) CS
  for (char c : std::string("ISO_IR 100")) {
    bytes.push_back(static_cast<std::uint8_t>(c));
  }
  const std::vector<std::uint8_t> nested{
      0x08, 0x00, 0x40, 0x11, 0xFF, 0xFF, 0xFF, 0xFF,  // (0008,1140) SQ, undefined length
      0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF,  // item, undefined length
      0xFE, 0xFF, 0x00, 0x00, 0x00, 0x00, 0xFE, 0xFF,  // (FFFE,0000), length 0xFFFE0000
  };
  bytes.insert(bytes.end(), nested.begin(), nested.end());
  bytes.resize(bytes.size() + 64, 0);
  checkSkipped("stray-delimiter.dcm", bytes, "(FFFE,0000) at byte 34 claims 4294836224 bytes");
}

TEST_CASE("dicom: an item tag where a data element belongs skips the file instead of aborting") {
  // fuzz_dicom (a CI run): an implicit-VR file whose nested item holds
  // (FFFE,E000) where an element belongs; GDCM asserts reading it (abort).
  const fs::path source = kPydicomData / "rtstruct.dcm";  // implicit VR, no preamble
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  // The first item of a sequence starts with (0020,0052); make that tag an item tag.
  const std::size_t item =
      find(bytes, {0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF, 0x20, 0x00, 0x52, 0x00});
  std::copy(kItemTag.begin(), kItemTag.end(),
            bytes.begin() + static_cast<std::ptrdiff_t>(item + 8));
  checkSkipped("item-tag.dcm", bytes,
               "an item tag (FFFE,E000) at byte " + std::to_string(item + 8));
}

TEST_CASE("dicom: non-zero reserved bytes after a long VR skip the file instead of aborting") {
  // fuzz_dicom (a CI run): an explicit-VR element with a 4-byte length (OB,
  // OW, SQ, UN, UT...) whose two reserved bytes are not zero; GDCM asserts
  // reading it (abort).
  const fs::path source = kPydicomData / "CT_small.dcm";  // explicit VR little endian
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  // (0010,1002) Other Patient IDs Sequence, "SQ", then the reserved 00 00.
  const std::size_t at = find(bytes, {0x10, 0x00, 0x02, 0x10, 'S', 'Q', 0x00, 0x00});
  bytes.at(at + 6) = 0x01;
  TempDir dir;
  writeBytes(dir / "reserved.dcm", bytes);
  auto scan = scanDicom(dir / "");
  REQUIRE(scan.ok());
  CHECK(scan->series.empty());
  REQUIRE(scan->notes.size() == 1);
  INFO("note: " << scan->notes[0]);
  CHECK(scan->notes[0].find("reserved.dcm") != std::string::npos);
  CHECK(scan->notes[0].find("(0010,1002) at byte " + std::to_string(at)) != std::string::npos);
  CHECK(scan->notes[0].find("reserved bytes") != std::string::npos);
}

TEST_CASE("dicom: an unknown VR on the pixel data element skips the file instead of aborting") {
  // fuzz_dicom (a CI run): (7FE0,0010) with the VR bytes 00 2D; GDCM reads
  // that header even when it stops at the pixel data, and asserts (abort).
  const fs::path source = kPydicomData / "CT_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t at = find(bytes, {0xE0, 0x7F, 0x10, 0x00, 'O', 'W'});
  bytes.at(at + 4) = 0x00;
  bytes.at(at + 5) = 0x2D;
  checkSkipped(
      "vr.dcm", bytes,
      "(7FE0,0010) at byte " + std::to_string(at) + " has an unknown value representation");
}

TEST_CASE("dicom: pixel data with a VR other than OB or OW skips the file instead of aborting") {
  // fuzz_dicom (a 45 s run): (7FE0,0010) as SQ; GDCM asserts (abort).
  const fs::path source = kPydicomData / "CT_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t at = find(bytes, {0xE0, 0x7F, 0x10, 0x00, 'O', 'W'});
  bytes.at(at + 4) = 'S';
  bytes.at(at + 5) = 'Q';
  checkSkipped(
      "sq.dcm", bytes,
      "PixelData (7FE0,0010) at byte " + std::to_string(at) + " has the value representation SQ");
}

TEST_CASE("dicom: a pixel-data sequence delimiter with a length is refused, not aborting") {
  // fuzz_dicom (a 60 s run): the encapsulated pixel data's (FFFE,E0DD)
  // delimiter carries a non-zero length; GDCM asserts (abort).
  const fs::path source = kPydicomData / "JPEG2000.dcm";  // encapsulated
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t pixels = find(bytes, kPixelDataTag);
  const std::size_t delimiter = find(bytes, kSequenceDelimiter, pixels);
  putU32(bytes, delimiter + 4, 16);
  TempDir dir;
  writeBytes(dir / "delimiter-length.dcm", bytes);
  checkRefused(dir / "delimiter-length.dcm", "corrupt at byte " + std::to_string(delimiter));
}

TEST_CASE("dicom: a Recognition Code that is not ACR-NEMA's skips the file instead of aborting") {
  // fuzz_dicom (a 60 s run): the retired (0008,0010) holding something
  // else; GDCM asserts on it while reading the image (abort).
  const fs::path source = kPydicomData / "CT_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  // (0008,0012) Instance Creation Date becomes (0008,0010); the order holds.
  const std::size_t at = find(bytes, {0x08, 0x00, 0x12, 0x00, 'D', 'A'});
  bytes.at(at + 2) = 0x10;
  checkSkipped(
      "recognition.dcm", bytes,
      "(0008,0010) at byte " + std::to_string(at) + ": a Recognition Code that is not ACR-NEMA's");
}

TEST_CASE("dicom: a deflated data set is refused, naming the transfer syntax") {
  // fuzz_dicom (a 60 s run): GDCM inflated a damaged deflated data set and
  // allocated 1.7 GB for what it claimed; such a data set cannot be checked
  // before GDCM reads it.
  const fs::path source = kPydicomData / "image_dfl.dcm";
  if (!havePydicom(source)) {
    return;
  }
  checkSkipped("deflated.dcm", readBytes(source), "Deflated Explicit VR Little Endian");
}

TEST_CASE("dicom: an image attribute with the wrong VR skips the file instead of aborting") {
  // fuzz_dicom (a 60 s run): RescaleIntercept (0028,1052) not DS; GDCM reads
  // it as a typed attribute and asserts on the VR (abort).
  const fs::path source = kPydicomData / "CT_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t at = find(bytes, {0x28, 0x00, 0x52, 0x10, 'D', 'S'});
  bytes.at(at + 4) = 'L';
  bytes.at(at + 5) = 'O';
  checkSkipped(
      "vr-mismatch.dcm", bytes,
      "(0028,1052) at byte " + std::to_string(at) + " has the value representation LO, not DS");
}

TEST_CASE("dicom: a damaged item delimiter tag skips the file instead of aborting") {
  // fuzz_dicom (a 60 s run): (FFFE,E00D) changed to (FFFE,E10D); GDCM went
  // astray after it and asserted (abort).
  const fs::path source = kPydicomData / "rtstruct.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t at = find(bytes, {0xFE, 0xFF, 0x0D, 0xE0, 0x00, 0x00, 0x00, 0x00});
  bytes.at(at + 3) = 0xE1;
  checkSkipped("item-tag.dcm", bytes,
               "an unknown item tag (FFFE,E10D) at byte " + std::to_string(at));
}

TEST_CASE("dicom: a file shorter than one element is skipped instead of aborting") {
  // fuzz_dicom (a 90 s run): these 7 bytes made GDCM assert (abort).
  checkSkipped("stub.dcm", {0x08, 0x08, 0x00, 0x05, 'U', 'V', 0x00}, "not a DICOM file: 7 bytes");
}

TEST_CASE("dicom: an image attribute of undefined length skips the file instead of aborting") {
  // fuzz_dicom (a 90 s run): NumberOfFrames (0028,0008) as a sequence; GDCM
  // reads it as a number and asserts (abort).
  const fs::path source = kPydicomData / "CT_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  // (0028,0002) SamplesPerPixel "US" 2 bytes becomes "UN" of undefined length
  // holding an empty item list: (0028,0002) UN 00 00 FFFFFFFF FFFE,E0DD 0.
  const std::size_t at = find(bytes, {0x28, 0x00, 0x02, 0x00, 'U', 'S', 0x02, 0x00});
  const std::vector<std::uint8_t> sequence{0x28, 0x00, 0x02, 0x00, 'U',  'N',  0x00,
                                           0x00, 0xFF, 0xFF, 0xFF, 0xFF, 0xFE, 0xFF,
                                           0xDD, 0xE0, 0x00, 0x00, 0x00, 0x00};
  bytes.erase(bytes.begin() + static_cast<std::ptrdiff_t>(at),
              bytes.begin() + static_cast<std::ptrdiff_t>(at + 10));
  bytes.insert(bytes.begin() + static_cast<std::ptrdiff_t>(at), sequence.begin(), sequence.end());
  checkSkipped("undefined.dcm", bytes,
               "(0028,0002) at byte " + std::to_string(at) + " has an undefined length");
}

TEST_CASE("dicom: an unknown PhotometricInterpretation is refused instead of aborting") {
  // fuzz_dicom (a 120 s run): "PALETTE COL" made GDCM assert(0) decoding.
  const fs::path source = kPydicomData / "CT_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::string was = "MONOCHROME2 ";
  const std::size_t at = find(bytes, std::vector<std::uint8_t>(was.begin(), was.end()));
  const std::string now = "PALETTE COL ";
  std::copy(now.begin(), now.end(), bytes.begin() + static_cast<std::ptrdiff_t>(at));
  TempDir dir;
  writeBytes(dir / "photometric.dcm", bytes);
  checkRefused(dir / "photometric.dcm", "PhotometricInterpretation (0028,0004) 'PALETTE COL'");
}

TEST_CASE("dicom: an item without its delimiter skips the file instead of aborting") {
  // fuzz_dicom (a 180 s run): an undefined-length item running to the end
  // of the file; GDCM asserts there (abort).
  const fs::path source = kPydicomData / "rtstruct.dcm";  // implicit VR, nested items
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  // The first item holds (0020,0052) (42 bytes); cut the file right after it.
  const std::size_t item =
      find(bytes, {0xFE, 0xFF, 0x00, 0xE0, 0xFF, 0xFF, 0xFF, 0xFF, 0x20, 0x00, 0x52, 0x00});
  bytes.resize(item + 8 + 8 + 42);
  checkSkipped("no-delimiter.dcm", bytes,
               "an item of undefined length has no item delimiter (FFFE,E00D) before byte " +
                   std::to_string(bytes.size()));
}

TEST_CASE("dicom: an image without BitsAllocated is refused instead of overrunning") {
  // fuzz_dicom (a 120 s run): with no BitsAllocated in what GDCM parsed,
  // its RAW codec read past the 128-byte pixel data (SEGV outside ASan).
  const fs::path source = kPydicomData / "CT_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  // (0028,0100) BitsAllocated becomes (0028,0099), an unknown tag; the order holds.
  const std::size_t at = find(bytes, {0x28, 0x00, 0x00, 0x01, 'U', 'S'});
  bytes.at(at + 2) = 0x99;
  bytes.at(at + 3) = 0x00;
  TempDir dir;
  writeBytes(dir / "no-bits.dcm", bytes);
  checkRefused(dir / "no-bits.dcm", "an image without BitsAllocated (0028,0100)");
}

TEST_CASE("dicom: an RLE image with BitsAllocated 124 is refused instead of aborting") {
  // fuzz_dicom (a 900 s run): GDCM's RLE decoder asserts (abort) on a
  // BitsAllocated that is not a whole number of bytes.
  const fs::path source = kPydicomData / "MR_small_RLE.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t at = find(bytes, {0x28, 0x00, 0x00, 0x01, 'U', 'S', 0x02, 0x00});
  bytes.at(at + 8) = 124;
  bytes.at(at + 9) = 0;
  TempDir dir;
  writeBytes(dir / "bits-124.dcm", bytes);
  checkRefused(dir / "bits-124.dcm", "BitsAllocated (0028,0100) is 124");
}

TEST_CASE("dicom: a JPEG frame with a damaged header marker is refused instead of aborting") {
  // fuzz_dicom (a 900 s run): pydicom's 12-bit JPEG-lossy.dcm with its DHT
  // marker (FF C4 00 47) shuffled to C4 47 00 00 FF; GDCM's 12-bit JPEG
  // codec asserts (abort) on it.
  const fs::path source = kPydicomData / "JPEG-lossy.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t soi = find(bytes, {0xFF, 0xD8, 0xFF});
  const std::size_t dht = find(bytes, {0xFF, 0xC4, 0x00, 0x47, 0x00}, soi);
  const std::vector<std::uint8_t> shuffled{0xC4, 0x47, 0x00, 0x00, 0xFF};
  std::copy(shuffled.begin(), shuffled.end(), bytes.begin() + static_cast<std::ptrdiff_t>(dht));
  TempDir dir;
  writeBytes(dir / "bad-dht.dcm", bytes);
  checkRefused(dir / "bad-dht.dcm", "where a marker belongs");
}

TEST_CASE("dicom: an OB element of undefined length skips the file instead of aborting") {
  // fuzz_dicom (a 240 s run): an explicit-VR element of undefined length that
  // is neither SQ, UN nor PixelData; GDCM asserts (abort).
  const fs::path source = kPydicomData / "CT_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t at = find(bytes, {0x43, 0x00, 0x28, 0x10, 'O', 'B', 0x00, 0x00});
  putU32(bytes, at + 8, 0xFFFFFFFFU);
  checkSkipped("undefined-ob.dcm", bytes,
               "(0043,1028) at byte " + std::to_string(at) + " has an undefined length");
}

TEST_CASE("dicom: an RT dose whose frame offsets are not numbers is refused, not aborting") {
  // fuzz_dicom (a 300 s run): GridFrameOffsetVector starting "0.\xB0"; GDCM
  // reads it while decoding and asserts (abort).
  const fs::path source = kPydicomData / "rtdose.dcm";  // 15 frames
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::string was = "0.0\\5.0";
  const std::size_t at = find(bytes, std::vector<std::uint8_t>(was.begin(), was.end()));
  bytes.at(at + 2) = 0xB0;
  TempDir dir;
  writeBytes(dir / "offsets.dcm", bytes);
  checkRefused(dir / "offsets.dcm", "GridFrameOffsetVector (3004,000C) does not hold one number");
}

TEST_CASE("dicom: an RT dose with frame offsets but no NumberOfFrames is refused, not aborting") {
  // fuzz_dicom (a 90 s run; rebuilt by hand after the input was lost): GDCM
  // reads NumberOfFrames for GridFrameOffsetVector without checking that it
  // is there, and asserts (medverse-case import aborted).
  const fs::path source = kPydicomData / "rtdose.dcm";  // implicit VR little endian
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  // (0028,0008) NumberOfFrames -> (0028,0007), (0028,0009) -> (0028,000A).
  bytes.at(find(bytes, {0x28, 0x00, 0x08, 0x00, 0x02, 0x00, 0x00, 0x00}) + 2) = 0x07;
  bytes.at(find(bytes, {0x28, 0x00, 0x09, 0x00, 0x04, 0x00, 0x00, 0x00}) + 2) = 0x0A;
  // GridFrameOffsetVector down to one value, "0.0 ".
  const std::vector<std::uint8_t> offsetsTag{0x04, 0x30, 0x0C, 0x00};
  const std::size_t offsets = find(bytes, offsetsTag, std::size_t{1000});  // not the AT value
  const std::uint32_t length = bytes.at(offsets + 4) | (bytes.at(offsets + 5) << 8U);
  putU32(bytes, offsets + 4, 4);
  const auto value = bytes.begin() + static_cast<std::ptrdiff_t>(offsets + 8);
  bytes.erase(value + 4, value + length);
  std::copy_n("0.0 ", 4, value);
  TempDir dir;
  writeBytes(dir / "dose.dcm", bytes);
  checkRefused(dir / "dose.dcm", "an RT dose with GridFrameOffsetVector (3004,000C) but no");
}

TEST_CASE("dicom: a file with its DICM marker out of place is not taken for DICOM") {
  // fuzz_dicom (a CI run): "DICM" one byte after byte 128; GDCM still hunts
  // for a data set in such a file and asserted on what it found.
  const fs::path source = kPydicomData / "CT_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  bytes.insert(bytes.begin(), 0x00);
  checkSkipped("shifted.dcm", bytes, "not a DICOM file");
}

TEST_CASE("dicom: a damaged item delimiter skips the file instead of a 4 GB allocation") {
  // fuzz_dicom (a 60 s run): an item whose delimiter (FFFE,E00D) reads
  // (FFFF,E00D), so a sequence delimiter follows inside the item; GDCM lost
  // its way there and allocated 4 GB for what the bytes further on claimed.
  const fs::path source = kPydicomData / "rtstruct.dcm";  // implicit VR, nested sequences
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t delimiter =
      find(bytes, {0xFE, 0xFF, 0x0D, 0xE0, 0x00, 0x00, 0x00, 0x00, 0xFE, 0xFF, 0xDD, 0xE0});
  bytes.at(delimiter) = 0xFF;
  checkSkipped("delimiter.dcm", bytes,
               "a sequence delimiter (FFFE,E0DD) at byte " + std::to_string(delimiter + 8));
}

TEST_CASE("dicom: a file ending inside an element header is skipped instead of aborting") {
  // fuzz_dicom: 39 bytes, the last element cut after its tag; GDCM asserts
  // reading the missing VR.
  std::vector<std::uint8_t> bytes;
  auto element = [&](std::uint8_t e, const char* vr, const std::string& value) {
    const std::vector<std::uint8_t> head{0x08,
                                         0x00,
                                         e,
                                         0x00,
                                         static_cast<std::uint8_t>(vr[0]),
                                         static_cast<std::uint8_t>(vr[1]),
                                         static_cast<std::uint8_t>(value.size()),
                                         0x00};
    bytes.insert(bytes.end(), head.begin(), head.end());
    bytes.insert(bytes.end(), value.begin(), value.end());
  };
  element(0x05, "CS", "ISO_IR 100");
  element(0x12, "DA", "20150529");
  const std::vector<std::uint8_t> cut{0x08, 0x00, 0x13, 0x00, 0x20};
  bytes.insert(bytes.end(), cut.begin(), cut.end());
  REQUIRE(bytes.size() == 39);
  TempDir dir;
  writeBytes(dir / "cut-header.dcm", bytes);
  auto scan = scanDicom(dir / "");
  REQUIRE(scan.ok());
  REQUIRE(scan->notes.size() == 1);
  INFO("note: " << scan->notes[0]);
  CHECK(scan->notes[0].find("cut-header.dcm") != std::string::npos);
  CHECK(scan->notes[0].find("ends inside the header of the element at byte 34") !=
        std::string::npos);
}

// GDCM asserts (aborts the process) on these file meta information defects.
void checkMetaSkipped(std::vector<std::uint8_t> bytes, const std::string& fragment) {
  TempDir dir;
  writeBytes(dir / "bad-meta.dcm", bytes);
  auto scan = scanDicom(dir / "");
  REQUIRE(scan.ok());
  CHECK(scan->series.empty());
  CHECK(scan->nonDicomFiles == 1);
  REQUIRE(scan->notes.size() == 1);
  INFO("note: " << scan->notes[0]);
  CHECK(scan->notes[0].find("bad-meta.dcm") != std::string::npos);
  CHECK(scan->notes[0].find(fragment) != std::string::npos);
}

TEST_CASE("dicom: an unknown VR in the file meta information skips the file instead of aborting") {
  const fs::path source = kPydicomData / "MR_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  // Implementation Class UID (0002,0012) UI -> "EI", the fuzz_dicom input.
  const std::size_t uid = find(bytes, {0x02, 0x00, 0x12, 0x00, 'U', 'I'});
  bytes.at(uid + 4) = 'E';
  checkMetaSkipped(bytes, "unknown value representation in the file meta information");
}

TEST_CASE("dicom: a file ending inside its file meta information is skipped instead of aborting") {
  const fs::path source = kPydicomData / "MR_small.dcm";
  if (!havePydicom(source)) {
    return;
  }
  std::vector<std::uint8_t> bytes = readBytes(source);
  const std::size_t uid = find(bytes, {0x02, 0x00, 0x12, 0x00, 'U', 'I'});
  bytes.resize(uid + 8 + 3);  // cut inside the value
  checkMetaSkipped(bytes, "element (0002,0012) at byte");
}

TEST_CASE(
    "dicom: a DICM file whose first element is not in group 0002 skips the file instead of "
    "allocating gigabytes") {
  // The fuzz_dicom input (1.4 KB, from SC_rgb_small_odd.dcm): the group
  // length tag (0002,0000) became (0000,0100). GDCM then guessed the
  // encoding, read the text of Image Comments as a 1.9 GB length and
  // allocated it (2 GB of memory for a 3 x 3 image).
  for (const char* name : {"SC_rgb_small_odd.dcm", "MR_small.dcm"}) {
    const fs::path source = kPydicomData / name;
    if (!havePydicom(source)) {
      return;
    }
    std::vector<std::uint8_t> bytes = readBytes(source);
    REQUIRE(bytes.at(132) == 0x02);  // (0002,0000) right after "DICM"
    bytes.at(132) = 0x00;
    bytes.at(134) = 0x00;
    bytes.at(135) = 0x01;
    INFO(name);
    checkMetaSkipped(bytes, "no file meta information (group 0002) after the DICM marker");
  }
}

}  // namespace
}  // namespace medverse::imaging

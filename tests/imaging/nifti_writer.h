#pragma once
// A minimal NIfTI-1/NIfTI-2 writer for tests: lays out the header fields at
// the offsets of nifti1.h / nifti2.h in either byte order, so that tests can
// build exactly the (valid or damaged) file a case needs. Independent of the
// reader's code on purpose.
#include <algorithm>
#include <array>
#include <bit>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string>
#include <type_traits>
#include <vector>

namespace medverse::imaging::testing {

struct NiftiSpec {
  int version = 1;
  bool bigEndian = false;
  std::array<std::int64_t, 8> dim{3, 1, 1, 1, 1, 1, 1, 1};
  int datatype = 2;  // DT_UINT8
  int bitpix = 8;
  std::array<double, 8> pixdim{1, 1, 1, 1, 0, 0, 0, 0};
  double voxOffset = -1;  // < 0: right after the header and extension flag
  double sclSlope = 0;
  double sclInter = 0;
  int qformCode = 0;
  int sformCode = 0;
  std::array<double, 3> quatern{};  // b, c, d
  std::array<double, 3> qoffset{};
  std::array<std::array<double, 4>, 3> srow{{{1, 0, 0, 0}, {0, 1, 0, 0}, {0, 0, 1, 0}}};
  int intentCode = 0;
  int xyztUnits = 2;  // NIFTI_UNITS_MM
  std::string magic;  // empty: "n+1" / "n+2\0\r\n\032\n"
};

class ByteWriter {
 public:
  ByteWriter(std::vector<std::byte>& bytes, bool bigEndian)
      : bytes_(bytes), bigEndian_(bigEndian) {}

  template <typename T>
  void put(std::size_t offset, T value) const {
    std::array<std::byte, sizeof(T)> raw{};
    std::memcpy(raw.data(), &value, sizeof(T));
    if (bigEndian_ != (std::endian::native == std::endian::big)) {
      std::reverse(raw.begin(), raw.end());
    }
    std::memcpy(bytes_.data() + offset, raw.data(), sizeof(T));
  }

  void text(std::size_t offset, const std::string& value) const {
    std::memcpy(bytes_.data() + offset, value.data(), value.size());
  }

 private:
  std::vector<std::byte>& bytes_;
  bool bigEndian_;
};

inline std::size_t niftiDataOffset(const NiftiSpec& spec) {
  if (spec.voxOffset >= 0) {
    return static_cast<std::size_t>(spec.voxOffset);
  }
  return spec.version == 1 ? 352 : 544;
}

// Header, 4-byte extension flag (zero) and padding up to the data offset.
inline std::vector<std::byte> niftiHeader(const NiftiSpec& spec) {
  const std::size_t size = spec.version == 1 ? 348 : 540;
  std::vector<std::byte> bytes(std::max(size + 4, niftiDataOffset(spec)));
  const ByteWriter w(bytes, spec.bigEndian);
  const double offset = spec.voxOffset >= 0 ? spec.voxOffset : static_cast<double>(size + 4);
  if (spec.version == 1) {
    w.put<std::int32_t>(0, 348);
    for (std::size_t i = 0; i < 8; ++i) {
      w.put<std::int16_t>(40 + 2 * i, static_cast<std::int16_t>(spec.dim[i]));
      w.put<float>(76 + 4 * i, static_cast<float>(spec.pixdim[i]));
    }
    w.put<std::int16_t>(68, static_cast<std::int16_t>(spec.intentCode));
    w.put<std::int16_t>(70, static_cast<std::int16_t>(spec.datatype));
    w.put<std::int16_t>(72, static_cast<std::int16_t>(spec.bitpix));
    w.put<float>(108, static_cast<float>(offset));
    w.put<float>(112, static_cast<float>(spec.sclSlope));
    w.put<float>(116, static_cast<float>(spec.sclInter));
    w.put<std::uint8_t>(123, static_cast<std::uint8_t>(spec.xyztUnits));
    w.put<std::int16_t>(252, static_cast<std::int16_t>(spec.qformCode));
    w.put<std::int16_t>(254, static_cast<std::int16_t>(spec.sformCode));
    for (std::size_t i = 0; i < 3; ++i) {
      w.put<float>(256 + 4 * i, static_cast<float>(spec.quatern[i]));
      w.put<float>(268 + 4 * i, static_cast<float>(spec.qoffset[i]));
      for (std::size_t c = 0; c < 4; ++c) {
        w.put<float>(280 + 16 * i + 4 * c, static_cast<float>(spec.srow[i][c]));
      }
    }
    w.text(344, spec.magic.empty() ? std::string{'n', '+', '1', '\0'} : spec.magic);
  } else {
    w.put<std::int32_t>(0, 540);
    w.text(4, spec.magic.empty() ? std::string("n+2\0\r\n\032\n", 8) : spec.magic);
    w.put<std::int16_t>(12, static_cast<std::int16_t>(spec.datatype));
    w.put<std::int16_t>(14, static_cast<std::int16_t>(spec.bitpix));
    for (std::size_t i = 0; i < 8; ++i) {
      w.put<std::int64_t>(16 + 8 * i, spec.dim[i]);
      w.put<double>(104 + 8 * i, spec.pixdim[i]);
    }
    w.put<std::int64_t>(168, static_cast<std::int64_t>(offset));
    w.put<double>(176, spec.sclSlope);
    w.put<double>(184, spec.sclInter);
    w.put<std::int32_t>(344, spec.qformCode);
    w.put<std::int32_t>(348, spec.sformCode);
    for (std::size_t i = 0; i < 3; ++i) {
      w.put<double>(352 + 8 * i, spec.quatern[i]);
      w.put<double>(376 + 8 * i, spec.qoffset[i]);
      for (std::size_t c = 0; c < 4; ++c) {
        w.put<double>(400 + 32 * i + 8 * c, spec.srow[i][c]);
      }
    }
    w.put<std::int32_t>(500, spec.xyztUnits);
    w.put<std::int32_t>(504, spec.intentCode);
  }
  return bytes;
}

// A complete file: header plus the voxels in the spec's byte order.
template <typename T>
std::vector<std::byte> niftiFile(const NiftiSpec& spec, const std::vector<T>& voxels) {
  std::vector<std::byte> bytes = niftiHeader(spec);
  const std::size_t start = bytes.size();
  bytes.resize(start + voxels.size() * sizeof(T));
  const ByteWriter w(bytes, spec.bigEndian);
  for (std::size_t i = 0; i < voxels.size(); ++i) {
    w.put<T>(start + i * sizeof(T), voxels[i]);
  }
  return bytes;
}

}  // namespace medverse::imaging::testing

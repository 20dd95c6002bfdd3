#include "medverse/imaging/nifti.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <array>
#include <cmath>
#include <limits>
#include <string>
#include <vector>

#include "gzip_file.h"
#include "medverse/core/log.h"
#include "nifti_geometry.h"
#include "nifti_header.h"
#include "nifti_voxels.h"

namespace medverse::imaging {
namespace {

using nifti::Header;

// What the header says about the voxel data, validated.
struct DataLayout {
  glm::ivec3 dims{1};
  std::uint64_t volumes = 1;  // 3D volumes in the file (dim[4] * dim[5] * ...)
  std::uint64_t offset = 0;   // byte offset of voxel (0,0,0) in the stream
  std::uint64_t bytes = 0;    // bytes of the first 3D volume
  std::size_t count = 0;      // voxels of the first 3D volume
};

// Header text for an error message: control bytes shown as '?'.
std::string printable(std::string text) {
  for (char& c : text) {
    if (c < 0x20 || c > 0x7E) {
      c = '?';
    }
  }
  return text;
}

// Upper bound of the bytes per voxel once stored: unscaled uint8, int16 and
// uint16 keep their size; anything else may end up as float32.
std::size_t storedSizeBound(const Header& h, const nifti::Scaling& scaling) {
  const bool keepsType =
      h.datatype == nifti::kUInt8 || h.datatype == nifti::kInt16 || h.datatype == nifti::kUInt16;
  return keepsType && scaling.identity() ? nifti::datatypeSize(h.datatype) : sizeof(float);
}

// Reads a whole NIfTI header from the start of the stream.
Result<Header> readHeader(GzipFile& file, const std::string& name) {
  std::array<std::byte, nifti::kNifti2HeaderSize> bytes{};
  // Read NIfTI-1's size first: a NIfTI-1 file's data may begin at byte 352.
  auto got = file.read(std::span(bytes.data(), nifti::kNifti1HeaderSize));
  if (!got) {
    return got.error();
  }
  if (*got < 4) {
    return makeError(fmt::format("{}: not a NIfTI file: it is only {} bytes long", name, *got));
  }
  const std::span<const std::byte, 4> sizeofHdr(bytes.data(), 4);
  const auto layout = nifti::detectLayout(sizeofHdr);
  if (!layout) {
    return makeError(fmt::format(
        "{}: not a NIfTI file: sizeof_hdr is {}, where NIfTI-1 has 348 and NIfTI-2 has 540", name,
        nifti::rawSizeofHdr(sizeofHdr)));
  }
  std::size_t have = *got;
  if (layout->size > have && have == nifti::kNifti1HeaderSize) {
    auto more = file.read(std::span(bytes.data() + have, layout->size - have));
    if (!more) {
      return more.error();
    }
    have += *more;
  }
  if (have < layout->size) {
    return makeError(fmt::format("{}: truncated header: NIfTI-{} needs {} bytes, the file has {}",
                                 name, layout->version, layout->size, have));
  }
  return nifti::decodeHeader(*layout, std::span(bytes.data(), layout->size));
}

Status checkMagic(const Header& h, const std::string& name) {
  const std::string single = h.version == 1 ? "n+1" : "n+2";
  const std::string pair = h.version == 1 ? "ni1" : "ni2";
  if (h.magic == pair) {
    return makeError(fmt::format(
        "{}: this is the header of a NIfTI-{} .hdr/.img pair (magic '{}'); only single-file "
        ".nii/.nii.gz images are supported, convert it (e.g. with nibabel or fslchfiletype)",
        name, h.version, pair));
  }
  if (h.magic != single) {
    if (h.version == 1 && h.magic.empty()) {
      return makeError(fmt::format(
          "{}: bad magic: the header has no NIfTI magic ('n+1'); it looks like an ANALYZE 7.5 "
          "header, which carries no reliable orientation and is not supported",
          name));
    }
    return makeError(fmt::format("{}: bad magic '{}': not a NIfTI-{} file (expected '{}')", name,
                                 printable(h.magic), h.version, single));
  }
  if (!h.signatureIntact) {
    return makeError(fmt::format(
        "{}: damaged NIfTI-2 signature (the bytes after 'n+2' are not \\r\\n\\032\\n); the file "
        "was probably copied in text mode",
        name));
  }
  return Status::success();
}

Result<DataLayout> dataLayout(const Header& h, const std::string& name) {
  DataLayout layout;
  const std::int64_t rank = h.dim[0];
  if (rank < 1 || rank > 7) {
    return makeError(
        fmt::format("{}: dim[0] = {} is not a number of dimensions (1 to 7)", name, rank));
  }
  const std::size_t elementSize = nifti::datatypeSize(h.datatype);
  if (elementSize == 0) {
    return makeError(fmt::format(
        "{}: unsupported datatype code {} ({}); supported are uint8, int8, int16, uint16, "
        "int32, uint32, float32 and float64",
        name, h.datatype, nifti::datatypeName(h.datatype)));
  }

  // Multiply with a cap so that no product can overflow: every factor is
  // positive and the running product stays below the cap. The cap holds for
  // the file's data and for the stored volume, whichever is larger.
  const std::size_t bytesPerVoxel =
      std::max(elementSize, storedSizeBound(h, nifti::niftiScaling(h)));
  const std::uint64_t maxCount = kMaxNiftiVoxelBytes / bytesPerVoxel;
  std::uint64_t count = 1;
  for (int axis = 1; axis <= 3; ++axis) {
    const std::int64_t n = axis <= rank ? h.dim[static_cast<std::size_t>(axis)] : 1;
    if (n < 1) {
      return makeError(fmt::format("{}: non-positive dimension: dim[{}] = {}", name, axis, n));
    }
    const auto un = static_cast<std::uint64_t>(n);
    if (un > maxCount / count || n > std::numeric_limits<int>::max()) {
      return makeError(
          fmt::format("{}: image too large: {} x {} x {} voxels of {} exceed the {} GiB limit",
                      name, h.dim[1], rank >= 2 ? h.dim[2] : 1, rank >= 3 ? h.dim[3] : 1,
                      nifti::datatypeName(h.datatype), kMaxNiftiVoxelBytes >> 30));
    }
    count *= un;
    layout.dims[axis - 1] = static_cast<int>(n);
  }
  for (int axis = 4; axis <= rank; ++axis) {
    // Zero in a non-spatial dimension is a common writer slip; it means 1.
    const std::int64_t n = h.dim[static_cast<std::size_t>(axis)];
    if (n > 1) {
      layout.volumes =
          layout.volumes > std::numeric_limits<std::uint64_t>::max() / static_cast<std::uint64_t>(n)
              ? std::numeric_limits<std::uint64_t>::max()
              : layout.volumes * static_cast<std::uint64_t>(n);
    }
  }
  layout.count = static_cast<std::size_t>(count);
  layout.bytes = count * elementSize;

  // vox_offset: a float in NIfTI-1 (whole numbers in practice), int64 in
  // NIfTI-2. Zero is what many writers put for "right after the header".
  const double offset = h.voxOffset;
  const auto headerEnd = static_cast<double>(h.size);
  if (!std::isfinite(offset) || offset < 0.0 || offset != std::floor(offset) ||
      offset > static_cast<double>(std::int64_t{1} << 62)) {
    return makeError(fmt::format("{}: vox_offset {} is not a byte offset", name, offset));
  }
  if (offset == 0.0) {
    layout.offset = h.size + 4;
  } else if (offset < headerEnd) {
    return makeError(
        fmt::format("{}: vox_offset {} points inside the {}-byte header", name, offset, h.size));
  } else {
    layout.offset = static_cast<std::uint64_t>(offset);
  }
  return layout;
}

}  // namespace

Result<Volume> readNifti(const std::filesystem::path& path) {
  const std::string name = path.string();
  const auto log = medverse::log::get("imaging");
  // Logs name only the file, never the directories: those can carry a
  // patient's name. Errors carry the full path for the user who asked.
  const std::string logName = path.filename().string();

  auto opened = GzipFile::open(path);
  if (!opened) {
    return opened.error();
  }
  GzipFile& file = *opened;

  auto header = readHeader(file, name);
  if (!header) {
    return header.error();
  }
  const Header& h = *header;
  if (Status magic = checkMagic(h, name); !magic) {
    return magic.error();
  }
  auto layout = dataLayout(h, name);
  if (!layout) {
    return layout.error();
  }
  if (h.bitpix != static_cast<int>(8 * nifti::datatypeSize(h.datatype))) {
    log->warn("{}: bitpix {} disagrees with datatype {} ({}); trusting the datatype", logName,
              h.bitpix, h.datatype, nifti::datatypeName(h.datatype));
  }
  if (layout->volumes > 1) {
    log->warn("{}: {}D image with {} volumes; using the first 3D volume", logName, h.dim[0],
              layout->volumes);
  }

  // Refuse what cannot be in the file before allocating for it.
  const std::uint64_t needed = layout->offset + layout->bytes;
  if (needed > file.maxContentSize()) {
    if (file.compressed()) {
      return makeError(fmt::format(
          "{}: truncated data: the header promises {} bytes of voxel data at offset {}, more "
          "than a {}-byte gzip file can hold",
          name, layout->bytes, layout->offset, file.fileSize()));
    }
    const std::uint64_t available =
        file.fileSize() > layout->offset ? file.fileSize() - layout->offset : 0;
    return makeError(
        fmt::format("{}: truncated data: expected {} bytes of voxel data at offset {}, got {}",
                    name, layout->bytes, layout->offset, available));
  }

  auto skipped = file.skip(layout->offset - h.size);
  if (!skipped) {
    return skipped.error();
  }
  if (*skipped < layout->offset - h.size) {
    return makeError(fmt::format(
        "{}: truncated data: expected {} bytes of voxel data at offset {}, got 0 (the file "
        "ends at byte {})",
        name, layout->bytes, layout->offset, h.size + *skipped));
  }

  const nifti::ReadExact readData = [&](std::span<std::byte> out) -> Status {
    auto got = file.read(out);
    if (!got) {
      return got.error();
    }
    if (*got < out.size()) {
      return makeError(
          fmt::format("{}: truncated data: expected {} bytes of voxel data at offset {}, got {}",
                      name, out.size(), layout->offset, *got));
    }
    return Status::success();
  };
  const nifti::Scaling scaling = nifti::niftiScaling(h);
  auto decoded = nifti::decodeVoxels(h.datatype, h.swapped, layout->count, scaling, readData);
  if (!decoded) {
    return decoded.error();  // read errors already name the file
  }
  if (file.compressed() && layout->volumes == 1) {
    // The gzip trailer's CRC-32 is only checked when zlib reaches it; read
    // past the voxels so that a damaged stream is not taken for an image.
    if (auto trailer = file.skip(1); !trailer) {
      return trailer.error();
    }
  }
  for (const std::string& warning : decoded->warnings) {
    log->warn("{}: {}", logName, warning);
  }

  auto geometry = nifti::niftiGeometry(h);
  if (!geometry) {
    return makeError(fmt::format("{}: {}", name, geometry.error().message));
  }
  for (const std::string& warning : geometry->warnings) {
    log->warn("{}: {}", logName, warning);
  }

  Volume volume;
  volume.dims = layout->dims;
  volume.spacing = geometry->spacing;
  volume.origin = geometry->origin;
  volume.direction = geometry->direction;
  volume.modality = h.intentCode == nifti::kIntentLabel ? Modality::Label : Modality::Other;
  volume.voxels = std::move(decoded->storage);
  if (Status valid = volume.validate(); !valid) {
    return makeError(fmt::format("{}: {}", name, valid.error().message));
  }
  log->debug("{}: NIfTI-{}{} {}x{}x{} {} -> {}, spacing ({:.4g}, {:.4g}, {:.4g}) mm, {}", logName,
             h.version, h.swapped ? " (byte-swapped)" : "", volume.dims.x, volume.dims.y,
             volume.dims.z, nifti::datatypeName(h.datatype), voxelTypeName(volume.type()),
             volume.spacing.x, volume.spacing.y, volume.spacing.z,
             nifti::transformName(geometry->source));
  return volume;
}

}  // namespace medverse::imaging

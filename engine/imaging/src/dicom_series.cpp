// DICOM series discovery and assembly into a Volume (see dicom_series.h).
#include "medverse/imaging/dicom_series.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <limits>
#include <map>
#include <memory>
#include <numbers>
#include <span>
#include <sstream>
#include <system_error>
#include <tuple>

#include "dicom_header.h"
#include "medverse/core/jobs.h"

namespace medverse::imaging {
namespace {

using dicom::FileHeader;
using dicom::FrameInfo;

// A scan plus the headers of each series it lists (same order), so that a
// read right after a scan does not parse every header again.
struct ScanWithHeaders {
  DicomScan scan;
  std::vector<std::vector<FileHeader>> headers;
};

std::string fmt(double v, int decimals = 3) {
  char buf[64];
  std::snprintf(buf, sizeof buf, "%.*f", decimals, v);
  return buf;
}

std::string lower(std::string_view s) {
  std::string out(s);
  std::transform(out.begin(), out.end(), out.begin(),
                 [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
  return out;
}

Modality modalityFromString(std::string_view m) {
  if (m == "CT") {
    return Modality::CT;
  }
  if (m == "MR") {
    return Modality::MR;
  }
  if (m == "PT") {
    return Modality::PT;
  }
  return Modality::Other;
}

// Geometry grouping key for findDicomSeries: orientation and pixel spacing
// rounded to 1e-3, rows, columns.
using GeometryKey = std::tuple<unsigned, unsigned, std::vector<long long>>;

GeometryKey geometryKey(const FileHeader& h) {
  std::vector<long long> rounded;
  const FrameInfo& f = h.perFrame.empty() ? h.top : h.perFrame.front();
  if (f.orientation) {
    for (double v : *f.orientation) {
      rounded.push_back(std::llround(v * 1000.0));
    }
  }
  if (f.pixelSpacing) {
    rounded.push_back(std::llround(f.pixelSpacing->x * 1000.0));
    rounded.push_back(std::llround(f.pixelSpacing->y * 1000.0));
  }
  return {h.rows, h.columns, rounded};
}

// One slice of the volume to be: a frame of a file.
struct Slice {
  std::size_t file = 0;  // index into headers
  unsigned frame = 0;
  FrameInfo info;
  double key = 0.0;  // position along the normal
};

std::string name(const std::filesystem::path& p) {
  return p.string();
}

bool sameOrientation(const dicom::Orientation& a, const dicom::Orientation& b) {
  for (std::size_t i = 0; i < 6; ++i) {
    if (std::abs(a[i] - b[i]) > 1e-4) {
      return false;
    }
  }
  return true;
}

std::string orientationText(const dicom::Orientation& o) {
  std::string s;
  for (std::size_t i = 0; i < 6; ++i) {
    s += (i ? "\\" : "") + fmt(o[i], 4);
  }
  return s;
}

// The frame descriptions of one file, positions filled in for multi-frame
// files that lack per-frame positions.
Result<std::vector<FrameInfo>> framesOf(const FileHeader& h) {
  std::vector<FrameInfo> frames;
  if (!h.perFrame.empty()) {
    if (h.perFrame.size() != h.frames) {
      return makeError(name(h.file) + ": " + std::to_string(h.perFrame.size()) +
                       " per-frame functional group items for " + std::to_string(h.frames) +
                       " frames");
    }
    frames = h.perFrame;
  } else {
    frames.assign(h.frames, h.top);
  }
  if (h.frames > 1) {
    const bool allPositioned =
        !h.perFrame.empty() &&
        std::all_of(frames.begin(), frames.end(), [](const FrameInfo& f) { return f.position; });
    if (!allPositioned) {
      // Contiguous frames from the file's IPP along the normal.
      const FrameInfo& t = h.top;
      const dicom::Orientation o = t.orientation.value_or(dicom::Orientation{1, 0, 0, 0, 1, 0});
      const glm::dvec3 normal =
          glm::normalize(glm::cross(glm::dvec3(o[0], o[1], o[2]), glm::dvec3(o[3], o[4], o[5])));
      const glm::dvec3 start = t.position.value_or(glm::dvec3(0.0));
      const double step = t.spacingBetweenSlices.value_or(t.sliceThickness.value_or(1.0));
      if (!h.gridFrameOffsets.empty() && h.gridFrameOffsets.size() != h.frames) {
        return makeError(name(h.file) + ": GridFrameOffsetVector has " +
                         std::to_string(h.gridFrameOffsets.size()) + " values for " +
                         std::to_string(h.frames) + " frames");
      }
      for (unsigned i = 0; i < h.frames; ++i) {
        const double offset = h.gridFrameOffsets.empty() ? step * i : h.gridFrameOffsets[i];
        frames[i].position = start + normal * offset;
        frames[i].orientation = o;
      }
    }
  }
  return frames;
}

Result<Volume> assemble(const std::vector<FileHeader>& headers) {
  if (headers.empty()) {
    return makeError("DICOM series has no image files");
  }
  // Flatten all frames, checking geometry consistency against the first.
  std::vector<Slice> slices;
  std::vector<std::vector<FrameInfo>> framesPerFile;
  const FileHeader& first = headers.front();
  for (std::size_t fi = 0; fi < headers.size(); ++fi) {
    const FileHeader& h = headers[fi];
    if (!h.isImage) {
      return makeError(name(h.file) + ": not an image (no Rows/Columns)");
    }
    if (h.samplesPerPixel != 1) {
      return makeError(name(h.file) + ": colour image (" + std::to_string(h.samplesPerPixel) +
                       " samples per pixel) is not a scalar volume");
    }
    if (h.rows != first.rows || h.columns != first.columns) {
      return makeError("mixed geometry: " + name(first.file) + " is " +
                       std::to_string(first.columns) + "x" + std::to_string(first.rows) + " but " +
                       name(h.file) + " is " + std::to_string(h.columns) + "x" +
                       std::to_string(h.rows));
    }
    if (h.seriesUid != first.seriesUid) {
      return makeError("mixed series: " + name(first.file) + " and " + name(h.file) +
                       " have different SeriesInstanceUIDs");
    }
    auto frames = framesOf(h);
    if (!frames) {
      return frames.error();
    }
    for (unsigned k = 0; k < frames->size(); ++k) {
      slices.push_back({fi, k, (*frames)[k], 0.0});
    }
    framesPerFile.push_back(std::move(frames.value()));
  }

  const FrameInfo& ref = slices.front().info;
  const std::string& refFile = name(headers[slices.front().file].file);
  for (const Slice& s : slices) {
    const std::string& file = name(headers[s.file].file);
    if (ref.orientation.has_value() != s.info.orientation.has_value() ||
        (ref.orientation && !sameOrientation(*ref.orientation, *s.info.orientation))) {
      return makeError("mixed geometry: orientation of " + file + " (" +
                       (s.info.orientation ? orientationText(*s.info.orientation) : "none") +
                       ") differs from " + refFile + " (" +
                       (ref.orientation ? orientationText(*ref.orientation) : "none") + ")");
    }
    const glm::dvec2 a = ref.pixelSpacing.value_or(glm::dvec2(1.0));
    const glm::dvec2 b = s.info.pixelSpacing.value_or(glm::dvec2(1.0));
    if (std::abs(a.x - b.x) > 1e-4 * std::max(1.0, a.x) ||
        std::abs(a.y - b.y) > 1e-4 * std::max(1.0, a.y)) {
      return makeError("mixed geometry: pixel spacing of " + file + " (" + fmt(b.x, 4) + "\\" +
                       fmt(b.y, 4) + ") differs from " + refFile + " (" + fmt(a.x, 4) + "\\" +
                       fmt(a.y, 4) + ")");
    }
  }

  // Direction from IOP (orthonormalised; float rounding in the file).
  const dicom::Orientation o = ref.orientation.value_or(dicom::Orientation{1, 0, 0, 0, 1, 0});
  glm::dvec3 row(o[0], o[1], o[2]);
  glm::dvec3 col(o[3], o[4], o[5]);
  if (glm::length(row) < 0.5 || glm::length(col) < 0.5) {
    return makeError(refFile + ": ImageOrientationPatient " + orientationText(o) +
                     " is not two unit vectors");
  }
  row = glm::normalize(row);
  col = glm::normalize(col);
  if (std::abs(glm::dot(row, col)) > 1e-3) {
    return makeError(refFile + ": ImageOrientationPatient " + orientationText(o) +
                     " has non-perpendicular row and column directions");
  }
  col = glm::normalize(col - glm::dot(col, row) * row);
  const glm::dvec3 normal = glm::cross(row, col);

  if (slices.size() > 1) {
    for (Slice& s : slices) {
      if (!s.info.position) {
        return makeError(name(headers[s.file].file) +
                         ": no ImagePositionPatient, cannot place the slice in the series");
      }
      s.key = glm::dot(normal, *s.info.position);
    }
    std::stable_sort(slices.begin(), slices.end(),
                     [](const Slice& a, const Slice& b) { return a.key < b.key; });
  }
  auto sliceName = [&](const Slice& s) {
    std::string n = name(headers[s.file].file);
    if (headers[s.file].frames > 1) {
      n += " frame " + std::to_string(s.frame + 1);
    }
    return n;
  };

  double spacingK = ref.sliceThickness.value_or(ref.spacingBetweenSlices.value_or(1.0));
  if (slices.size() > 1) {
    for (std::size_t i = 1; i < slices.size(); ++i) {
      if (slices[i].key - slices[i - 1].key < 1e-3) {
        return makeError("duplicate slice position: " + sliceName(slices[i - 1]) + " and " +
                         sliceName(slices[i]) + " are both at " + fmt(slices[i].key) +
                         " mm along the normal (several stacks, echoes or phases in one series?)");
      }
    }
    // Expected step: the median of the steps.
    std::vector<double> steps;
    for (std::size_t i = 1; i < slices.size(); ++i) {
      steps.push_back(slices[i].key - slices[i - 1].key);
    }
    std::vector<double> sorted = steps;
    std::nth_element(sorted.begin(), sorted.begin() + static_cast<long>(sorted.size() / 2),
                     sorted.end());
    const double expected = sorted[sorted.size() / 2];
    const double tolerance = std::max(0.01, 0.01 * expected);
    for (std::size_t i = 0; i < steps.size(); ++i) {
      if (std::abs(steps[i] - expected) > tolerance) {
        const double missing = steps[i] / expected - 1.0;
        const bool gap = steps[i] > expected && std::abs(missing - std::round(missing)) < 0.1;
        return makeError(
            std::string(gap ? "missing slice(s): gap of " : "uneven slice spacing: ") +
            fmt(steps[i]) + " mm between " + sliceName(slices[i]) + " and " +
            sliceName(slices[i + 1]) + " where the series' spacing is " + fmt(expected) + " mm" +
            (gap ? " (about " + std::to_string(std::lround(missing)) + " slice(s) missing)" : ""));
      }
    }
    // Gantry tilt: consecutive positions must advance along the normal.
    double worst = 0.0;
    std::size_t worstAt = 0;
    for (std::size_t i = 1; i < slices.size(); ++i) {
      const glm::dvec3 d = *slices[i].info.position - *slices[i - 1].info.position;
      const double along = glm::dot(d, normal);
      const double lateral = glm::length(d - along * normal);
      const double angle = std::atan2(lateral, along) * 180.0 / std::numbers::pi;
      if (lateral > 0.01 && angle > worst) {
        worst = angle;
        worstAt = i;
      }
    }
    const glm::dvec3 total = *slices.back().info.position - *slices.front().info.position;
    const double totalAlong = glm::dot(total, normal);
    const double totalAngle =
        std::atan2(glm::length(total - totalAlong * normal), totalAlong) * 180.0 / std::numbers::pi;
    if (totalAngle > 0.05 || worst > 0.5) {
      return makeError("gantry tilt: slice positions advance at " +
                       fmt(std::max(totalAngle, worst), 2) +
                       " degrees from the slice normal (tilt angle), e.g. between " +
                       sliceName(slices[worstAt == 0 ? 0 : worstAt - 1]) + " and " +
                       sliceName(slices[worstAt == 0 ? slices.size() - 1 : worstAt]) +
                       "; tilted acquisitions are not supported (resample first)");
    }
    spacingK = (slices.back().key - slices.front().key) / static_cast<double>(slices.size() - 1);
  }
  if (!(spacingK > 0.0) || !std::isfinite(spacingK)) {
    spacingK = 1.0;
  }

  const glm::ivec3 dims(static_cast<int>(first.columns), static_cast<int>(first.rows),
                        static_cast<int>(slices.size()));
  const std::uint64_t voxels =
      std::uint64_t{first.columns} * first.rows * static_cast<std::uint64_t>(slices.size());
  if (voxels * sizeof(float) > kMaxDicomVoxelBytes) {
    return makeError("DICOM series " + first.seriesUid + " (" + refFile + ", ...) is " +
                     std::to_string(dims.x) + "x" + std::to_string(dims.y) + "x" +
                     std::to_string(dims.z) + ", larger than the reader's limit");
  }
  // Before anything the size of the volume is allocated.
  for (const dicom::FileHeader& h : headers) {
    if (!h.undecodable.empty()) {
      return makeError(h.file.string() + ": cannot read the image: " + h.undecodable);
    }
  }

  // Decode files; place frames at their sorted k.
  const Modality modality = modalityFromString(first.modality);
  const bool invertM1 = modality != Modality::CT && modality != Modality::PT;
  std::vector<std::vector<int>> kOf(headers.size());
  for (std::size_t fi = 0; fi < headers.size(); ++fi) {
    kOf[fi].assign(headers[fi].frames, -1);
  }
  for (std::size_t k = 0; k < slices.size(); ++k) {
    kOf[slices[k].file][slices[k].frame] = static_cast<int>(k);
  }
  const std::size_t sliceVoxels = std::size_t{first.columns} * first.rows;
  // Files decode independently (one GDCM reader each) into disjoint slices
  // of the volume, on the job system, straight into the voxel type. The
  // type follows from all values (rules below), so it is predicted from the
  // first file and checked afterwards; a wrong guess (rare: e.g. a later
  // file's values leave int16's range) decodes once more into the right
  // type. Errors: the first in file order wins, whatever the scheduling.
  JobSystem& jobs = defaultJobSystem();
  std::vector<dicom::DecodedPixels> stats(headers.size());
  auto decodeInto = [&](auto* base) -> Status {
    using O = std::remove_pointer_t<decltype(base)>;
    std::vector<Status> decoded(headers.size());
    jobs.parallelFor(headers.size(), 1, [&](std::size_t begin, std::size_t end) {
      for (std::size_t fi = begin; fi < end; ++fi) {
        std::vector<O*> frameOut(headers[fi].frames);
        for (unsigned f = 0; f < headers[fi].frames; ++f) {
          frameOut[f] = base + static_cast<std::size_t>(kOf[fi][f]) * sliceVoxels;
        }
        auto pixels = dicom::decodePixels(headers[fi], framesPerFile[fi], invertM1,
                                          std::span<O* const>(frameOut));
        if (!pixels) {
          decoded[fi] = pixels.error();
        } else {
          stats[fi] = *pixels;
        }
      }
    });
    for (const Status& s : decoded) {
      if (!s) {
        return s;
      }
    }
    return {};
  };
  // The storage rule: UInt8 / UInt16 when every file holds raw unscaled
  // values of that type; else Int16 when all values are integers in its
  // range, UInt16 when they are integers that only fit there, else Float32.
  auto typeFor = [](std::span<const dicom::DecodedPixels> files) {
    bool allUInt8 = true;
    bool allUInt16 = true;
    bool integral = true;
    double lo = std::numeric_limits<double>::infinity();
    double hi = -lo;
    for (const auto& f : files) {
      allUInt8 = allUInt8 && f.rawUnscaledUInt8;
      allUInt16 = allUInt16 && f.rawUnscaledUInt16;
      integral = integral && f.integral;
      lo = std::min<double>(lo, f.lo);
      hi = std::max<double>(hi, f.hi);
    }
    const bool fitsInt16 = integral && lo >= -32768.0 && hi <= 32767.0;
    const bool fitsUInt16 = integral && lo >= 0.0 && hi <= 65535.0;
    if (allUInt8) {
      return VoxelType::UInt8;
    }
    if (allUInt16 || (fitsUInt16 && !fitsInt16)) {
      return VoxelType::UInt16;
    }
    return fitsInt16 ? VoxelType::Int16 : VoxelType::Float32;
  };
  // Prediction from the first file (decoded alone into a scratch slice).
  VoxelType type = VoxelType::Float32;
  {
    std::vector<float> scratch(sliceVoxels * headers.front().frames);
    std::vector<float*> frameOut(headers.front().frames);
    for (unsigned f = 0; f < headers.front().frames; ++f) {
      frameOut[f] = scratch.data() + f * sliceVoxels;
    }
    auto pixels = dicom::decodePixels(headers.front(), framesPerFile.front(), invertM1,
                                      std::span<float* const>(frameOut));
    if (!pixels) {
      return pixels.error();
    }
    type = typeFor(std::span(&*pixels, 1));
  }
  Volume volume;
  for (int attempt = 0; attempt < 2; ++attempt) {
    volume = Volume::allocate(dims, type, modality);
    Status decoded = std::visit([&](auto& out) { return decodeInto(out.data()); }, volume.voxels);
    if (!decoded) {
      return decoded.error();
    }
    const VoxelType needed = typeFor(stats);
    if (needed == type) {
      break;
    }
    type = needed;  // the second pass knows every file's values
  }
  volume.spacing = glm::dvec3(ref.pixelSpacing ? ref.pixelSpacing->y : 1.0,
                              ref.pixelSpacing ? ref.pixelSpacing->x : 1.0, spacingK);
  volume.origin = slices.front().info.position.value_or(glm::dvec3(0.0));
  volume.direction = glm::dmat3(row, col, normal);
  if (Status s = volume.validate(); !s) {
    return makeError("DICOM series " + first.seriesUid + " (" + refFile +
                     ", ...): " + s.error().message);
  }
  return volume;
}

}  // namespace

std::string SeriesInfo::key() const {
  return mixedGeometry ? uid + "#" + std::to_string(geometryGroup) : uid;
}

std::string SeriesInfo::summary() const {
  std::string s = key();
  if (!description.empty()) {
    s += " \"" + description + "\"";
  }
  s += " (" + (modality.empty() ? std::string("?") : modality) + ", " + std::to_string(fileCount) +
       " file(s), " + std::to_string(dimsGuess.x) + "x" + std::to_string(dimsGuess.y) + "x" +
       std::to_string(dimsGuess.z) + (mixedGeometry ? ", mixed geometry" : "") + ")";
  return s;
}

namespace {

Result<ScanWithHeaders> scanWithHeaders(const std::filesystem::path& fileOrDirectory) {
  std::error_code ec;
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(fileOrDirectory, ec)) {
    std::filesystem::recursive_directory_iterator it(
        fileOrDirectory, std::filesystem::directory_options::skip_permission_denied, ec);
    if (ec) {
      return makeError(name(fileOrDirectory) + ": cannot list directory: " + ec.message());
    }
    for (; it != std::filesystem::recursive_directory_iterator(); it.increment(ec)) {
      if (ec) {
        return makeError(name(fileOrDirectory) + ": cannot list directory: " + ec.message());
      }
      if (it->is_regular_file(ec)) {
        files.push_back(it->path());
      }
    }
  } else if (std::filesystem::is_regular_file(fileOrDirectory, ec)) {
    files.push_back(fileOrDirectory);
  } else {
    return makeError(name(fileOrDirectory) + ": no such file or directory");
  }
  std::sort(files.begin(), files.end());

  ScanWithHeaders out;
  DicomScan& scan = out.scan;
  scan.filesSeen = files.size();
  // Headers are parsed in parallel (independent GDCM readers), then grouped
  // in path order so the result does not depend on scheduling.
  std::vector<dicom::HeaderResult> results(files.size());
  defaultJobSystem().parallelFor(files.size(), 4, [&](std::size_t begin, std::size_t end) {
    for (std::size_t n = begin; n < end; ++n) {
      results[n] = dicom::readHeader(files[n]);
    }
  });
  // uid -> geometry key -> headers
  std::map<std::string, std::map<GeometryKey, std::vector<FileHeader>>> groups;
  for (std::size_t n = 0; n < files.size(); ++n) {
    const auto& file = files[n];
    auto& r = results[n];
    if (r.status == dicom::ReadStatus::NotDicom) {
      ++scan.nonDicomFiles;
      // Only DICOM-looking files deserve a note; stray files are just counted.
      if (file.extension() == ".dcm" || file.extension() == ".DCM") {
        scan.notes.push_back(name(file) + ": skipped, " + r.problem);
      }
      continue;
    }
    if (!r.header.isImage) {
      ++scan.nonImageObjects;
      scan.notes.push_back(name(file) + ": skipped, DICOM object without an image (" +
                           (r.header.modality.empty() ? "no modality" : r.header.modality) + ")");
      continue;
    }
    groups[r.header.seriesUid][geometryKey(r.header)].push_back(std::move(r.header));
  }
  for (auto& [uid, byGeometry] : groups) {
    int group = 0;
    for (auto& [key, headers] : byGeometry) {
      SeriesInfo info;
      info.uid = uid;
      info.description = headers.front().description;
      info.modality = headers.front().modality;
      info.fileCount = headers.size();
      for (const auto& h : headers) {
        info.frameCount += h.frames;
        info.files.push_back(h.file);
      }
      info.dimsGuess =
          glm::ivec3(static_cast<int>(headers.front().columns),
                     static_cast<int>(headers.front().rows), static_cast<int>(info.frameCount));
      info.mixedGeometry = byGeometry.size() > 1;
      info.geometryGroup = group++;
      if (info.mixedGeometry) {
        scan.notes.push_back("series " + uid + " mixes geometries; group " +
                             std::to_string(info.geometryGroup) + " has " +
                             std::to_string(info.fileCount) + " file(s)");
      }
      scan.series.push_back(std::move(info));
      out.headers.push_back(std::move(headers));
    }
  }
  return out;
}

}  // namespace

Result<DicomScan> scanDicom(const std::filesystem::path& fileOrDirectory) {
  auto scan = scanWithHeaders(fileOrDirectory);
  if (!scan) {
    return scan.error();
  }
  return std::move(scan->scan);
}

Result<std::vector<SeriesInfo>> findDicomSeries(const std::filesystem::path& fileOrDirectory) {
  auto scan = scanDicom(fileOrDirectory);
  if (!scan) {
    return scan.error();
  }
  return std::move(scan->series);
}

Result<Volume> readDicomSeries(const SeriesInfo& series) {
  if (series.files.empty()) {
    return makeError("DICOM series " + series.uid + " has no files");
  }
  std::vector<dicom::HeaderResult> results(series.files.size());
  defaultJobSystem().parallelFor(results.size(), 4, [&](std::size_t begin, std::size_t end) {
    for (std::size_t n = begin; n < end; ++n) {
      results[n] = dicom::readHeader(series.files[n]);
    }
  });
  std::vector<FileHeader> headers;
  headers.reserve(results.size());
  for (auto& r : results) {
    if (r.status == dicom::ReadStatus::NotDicom) {
      return makeError(name(r.header.file) + ": " + r.problem);
    }
    headers.push_back(std::move(r.header));
  }
  return assemble(headers);
}

Result<Volume> readDicomSeries(const std::filesystem::path& fileOrDirectory,
                               std::string_view selection) {
  auto scanned = scanWithHeaders(fileOrDirectory);
  if (!scanned) {
    return scanned.error();
  }
  const DicomScan* scan = &scanned->scan;
  const auto& all = scan->series;
  auto listing = [&](const std::vector<const SeriesInfo*>& list) {
    std::string s;
    for (const auto* info : list) {
      s += "\n  " + info->summary();
    }
    return s;
  };
  std::vector<const SeriesInfo*> candidates;
  if (selection.empty()) {
    for (const auto& info : all) {
      candidates.push_back(&info);
    }
  } else {
    for (const auto& info : all) {
      if (info.key() == selection) {
        candidates = {&info};
        break;
      }
      if (info.uid == selection || lower(info.description) == lower(selection)) {
        candidates.push_back(&info);
      }
    }
  }
  if (candidates.empty()) {
    if (all.empty()) {
      // A single unreadable file: say why.
      if (!scan->notes.empty() && scan->filesSeen == 1) {
        return makeError(scan->notes.front());
      }
      return makeError(name(fileOrDirectory) + ": no DICOM image series found (" +
                       std::to_string(scan->filesSeen) + " file(s), " +
                       std::to_string(scan->nonDicomFiles) + " not DICOM, " +
                       std::to_string(scan->nonImageObjects) + " without an image)");
    }
    std::vector<const SeriesInfo*> list;
    for (const auto& info : all) {
      list.push_back(&info);
    }
    return makeError(name(fileOrDirectory) + ": no series matches \"" + std::string(selection) +
                     "\"; found:" + listing(list));
  }
  if (candidates.size() > 1) {
    return makeError(
        name(fileOrDirectory) + ": " + std::to_string(candidates.size()) + " series found" +
        (selection.empty() ? std::string() : " matching \"" + std::string(selection) + "\"") +
        "; choose one by UID or description:" + listing(candidates));
  }
  const auto index = static_cast<std::size_t>(candidates.front() - all.data());
  return assemble(scanned->headers[index]);
}

}  // namespace medverse::imaging

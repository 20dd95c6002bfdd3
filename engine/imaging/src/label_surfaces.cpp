#include "medverse/imaging/label_surfaces.h"

#include <spdlog/fmt/fmt.h>

#include <algorithm>
#include <climits>
#include <cmath>
#include <limits>
#include <mutex>
#include <new>
#include <optional>
#include <span>
#include <type_traits>

#include "flying_edges.h"
#include "medverse/core/jobs.h"
#include "medverse/core/log.h"
#include "medverse/imaging/surface_smoothing.h"
#include "surface_placement.h"

namespace medverse::imaging {
namespace {

struct LabelBox {
  glm::ivec3 min{INT_MAX};
  glm::ivec3 max{INT_MIN};
  std::size_t voxels = 0;

  void merge(const LabelBox& other) {
    min = glm::min(min, other.min);
    max = glm::max(max, other.max);
    voxels += other.voxels;
  }
};

// Maps a voxel value to its position in `present` (or -1), in O(1) for the
// integer types.
template <typename T>
class LabelSlots {
 public:
  explicit LabelSlots(const std::vector<int>& present) : present_(present) {
    if constexpr (!std::is_floating_point_v<T>) {
      table_.assign(static_cast<std::size_t>(kRange), -1);
      for (std::size_t n = 0; n < present.size(); ++n) {
        table_[static_cast<std::size_t>(present[n] - kLowest)] = static_cast<int>(n);
      }
    }
  }

  [[nodiscard]] int operator()(T v) const {
    if constexpr (std::is_floating_point_v<T>) {
      if (v == 0 || !std::isfinite(v) || std::trunc(v) != v) {
        return -1;
      }
      const auto it = std::lower_bound(present_.begin(), present_.end(), static_cast<double>(v),
                                       [](int a, double b) { return a < b; });
      return it != present_.end() && *it == static_cast<double>(v)
                 ? static_cast<int>(it - present_.begin())
                 : -1;
    } else {
      return table_[static_cast<std::size_t>(static_cast<int>(v) - kLowest)];
    }
  }

 private:
  static constexpr int kLowest = [] {
    if constexpr (std::is_floating_point_v<T>) {
      return 0;
    } else {
      return static_cast<int>(std::numeric_limits<T>::lowest());
    }
  }();
  static constexpr int kRange = [] {
    if constexpr (std::is_floating_point_v<T>) {
      return 0;
    } else {
      return static_cast<int>(std::numeric_limits<T>::max()) - kLowest + 1;
    }
  }();
  const std::vector<int>& present_;
  std::vector<int> table_;
};

// Bounding box and voxel count of every present label, in one parallel pass.
template <typename T>
std::vector<LabelBox> labelBoxes(const Volume& volume, std::span<const T> voxels,
                                 const std::vector<int>& present, const detail::Runner& runner) {
  const LabelSlots<T> slot(present);
  std::vector<LabelBox> boxes(present.size());
  std::mutex mutex;
  const glm::ivec3 d = volume.dims;
  runner.forEach(static_cast<std::size_t>(d.z), 4, [&](std::size_t k0, std::size_t k1) {
    std::vector<LabelBox> local(present.size());
    for (auto k = static_cast<int>(k0); k < static_cast<int>(k1); ++k) {
      for (int j = 0; j < d.y; ++j) {
        const T* row = voxels.data() + volume.index(0, j, k);
        // Regions and background come in runs along a row: one update per run.
        for (int i = 0; i < d.x;) {
          int end = i + 1;
          while (end < d.x && row[end] == row[i]) {
            ++end;
          }
          if (const int n = slot(row[i]); n >= 0) {
            LabelBox& box = local[static_cast<std::size_t>(n)];
            box.min = glm::min(box.min, glm::ivec3(i, j, k));
            box.max = glm::max(box.max, glm::ivec3(end - 1, j, k));
            box.voxels += static_cast<std::size_t>(end - i);
          }
          i = end;
        }
      }
    }
    const std::lock_guard lock(mutex);
    for (std::size_t n = 0; n < boxes.size(); ++n) {
      boxes[n].merge(local[n]);
    }
  });
  return boxes;
}

template <typename T>
Result<assets::MeshData> extractLabel(const Volume& volume, std::span<const T> voxels, int label,
                                      const LabelBox& box, const detail::Runner& runner) {
  // One voxel of margin keeps the gradient at the region's rim the volume's
  // own; at the volume's faces the extractor's virtual border closes it.
  const glm::ivec3 lo = glm::max(box.min - 1, glm::ivec3(0));
  const glm::ivec3 hi = glm::min(box.max + 1, volume.dims - 1);
  detail::LabelMaskField<T> field;
  field.base = voxels.data() + volume.index(lo.x, lo.y, lo.z);
  field.strideY = volume.dims.x;
  field.strideZ = static_cast<std::ptrdiff_t>(volume.dims.x) * volume.dims.y;
  field.dims = hi - lo + 1;
  field.label = static_cast<T>(label);
  detail::FlyingEdges<detail::LabelMaskField<T>> extractor(field, detail::placementOf(volume, lo),
                                                           /*pad=*/true);
  return extractor.run(runner);
}

const LabelEntry* findEntry(const std::vector<LabelEntry>& table, int value) {
  const auto it = std::find_if(table.begin(), table.end(),
                               [value](const LabelEntry& e) { return e.value == value; });
  return it != table.end() ? &*it : nullptr;
}

}  // namespace

Result<std::vector<LabelSurface>> extractLabelSurfaces(const Volume& labels,
                                                       const std::vector<LabelEntry>& table,
                                                       const LabelSurfaceOptions& options) {
  if (Status valid = labels.validate(); !valid.ok()) {
    return makeError("label surfaces: " + valid.error().message);
  }
  JobSystem* pool =
      options.parallel ? (options.jobs != nullptr ? options.jobs : &defaultJobSystem()) : nullptr;
  const detail::Runner parallelRunner{pool};
  const std::vector<int> present = labelsPresent(labels);

  std::vector<LabelSurface> surfaces(present.size());
  std::vector<std::optional<Error>> errors(present.size());
  std::size_t unnamed = 0;
  for (std::size_t n = 0; n < present.size(); ++n) {
    LabelSurface& s = surfaces[n];
    s.value = present[n];
    if (const LabelEntry* entry = findEntry(table, s.value)) {
      s.name = entry->name;
      s.color = entry->color;
    } else {
      s.name = fmt::format("label {}", s.value);
      s.color = glm::u8vec3(128);
      ++unnamed;
    }
  }
  if (unnamed > 0) {
    log::get("imaging")->warn(
        "label surfaces: {} label value(s) present in the volume are not in the label table; "
        "named 'label <value>'",
        unnamed);
  }

  const bool acrossLabels = options.parallelism == LabelParallelism::AcrossLabels;
  const detail::Runner perLabel{acrossLabels ? nullptr : pool};
  const detail::Runner acrossRunner{acrossLabels ? pool : nullptr};

  try {
    std::visit(
        [&](const auto& storage) {
          using T = typename std::decay_t<decltype(storage)>::value_type;
          const std::span<const T> voxels(storage.data(), storage.size());
          const std::vector<LabelBox> boxes =
              labelBoxes<T>(labels, voxels, present, parallelRunner);
          // Largest regions first, so that the last jobs to start are short ones.
          std::vector<std::size_t> order(present.size());
          for (std::size_t n = 0; n < order.size(); ++n) {
            order[n] = n;
          }
          std::stable_sort(order.begin(), order.end(), [&](std::size_t a, std::size_t b) {
            return boxes[a].voxels > boxes[b].voxels;
          });
          acrossRunner.forEach(order.size(), 1, [&](std::size_t begin, std::size_t end) {
            for (std::size_t o = begin; o < end; ++o) {
              const std::size_t n = order[o];
              LabelSurface& s = surfaces[n];
              s.voxelCount = boxes[n].voxels;
              Result<assets::MeshData> mesh =
                  extractLabel<T>(labels, voxels, s.value, boxes[n], perLabel);
              if (!mesh.ok()) {
                errors[n] = mesh.error();
                continue;
              }
              s.mesh = std::move(*mesh);
              s.mesh.name = s.name;
              if (options.smoothingIterations > 0) {
                SmoothingOptions smoothing;
                smoothing.iterations = options.smoothingIterations;
                smoothing.jobs = perLabel.jobs;
                smoothTaubin(s.mesh, smoothing);
              }
            }
          });
        },
        labels.voxels);
  } catch (const std::bad_alloc&) {
    return makeError(
        fmt::format("label surfaces: out of memory for {} regions of a {}x{}x{} volume",
                    present.size(), labels.dims.x, labels.dims.y, labels.dims.z));
  }
  for (std::size_t n = 0; n < errors.size(); ++n) {
    if (errors[n]) {
      return makeError(fmt::format("label surfaces: label {} ('{}'): {}", surfaces[n].value,
                                   surfaces[n].name, errors[n]->message));
    }
  }
  return surfaces;
}

}  // namespace medverse::imaging

// Isosurface and label-surface throughput on the MRI templates of Debian's
// mricron-data, for docs/PERFORMANCE.md. scripts/bench-imaging runs this next
// to VTK's vtkFlyingEdges3D (vtk_flying_edges.py) on the same volume and iso.
//
// Usage: bench_isosurface [--file ch2better.nii.gz] [--iso 60.5] [--runs 7]
//                         [--labels aal.nii.gz] [--machine]
// --machine prints only CSV lines for the isosurface runs:
//   name,threads,best_ms,median_ms,mvox_per_s,triangles,vertices
// Figures only; nothing here asserts.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <optional>
#include <string>
#include <thread>
#include <vector>

#include "medverse/core/jobs.h"
#include "medverse/imaging/isosurface.h"
#include "medverse/imaging/label_surfaces.h"
#include "medverse/imaging/labels.h"
#include "medverse/imaging/mesh_topology.h"
#include "medverse/imaging/nifti.h"
#include "medverse/imaging/simplify.h"

using namespace medverse;
using namespace medverse::imaging;

namespace {

struct Timing {
  double bestMs = 0.0;
  double medianMs = 0.0;
};

Timing timeRuns(int runs, const std::function<void()>& body) {
  std::vector<double> ms(static_cast<std::size_t>(std::max(runs, 1)));
  for (double& m : ms) {
    const auto start = std::chrono::steady_clock::now();
    body();
    const auto stop = std::chrono::steady_clock::now();
    m = std::chrono::duration<double, std::milli>(stop - start).count();
  }
  std::sort(ms.begin(), ms.end());
  return {ms[0], ms[ms.size() / 2]};
}

struct Options {
  std::filesystem::path file = "/usr/share/mricron/templates/ch2better.nii.gz";
  std::filesystem::path labels = "/usr/share/mricron/templates/aal.nii.gz";
  double iso = 60.5;
  int runs = 7;
  bool machine = false;
};

std::optional<Options> parse(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    if (arg == "--file" && hasValue) {
      o.file = argv[++i];
    } else if (arg == "--labels" && hasValue) {
      o.labels = argv[++i];
    } else if (arg == "--iso" && hasValue) {
      o.iso = std::strtod(argv[++i], nullptr);
    } else if (arg == "--runs" && hasValue) {
      o.runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--machine") {
      o.machine = true;
    } else {
      std::fprintf(stderr,
                   "usage: bench_isosurface [--file F] [--iso V] [--runs N] [--labels F] "
                   "[--machine]\n");
      return std::nullopt;
    }
  }
  return o;
}

void benchLabels(const Options& o, std::size_t hardware) {
  auto volume = readNifti(o.labels);
  if (!volume.ok()) {
    std::printf("labels: %s\n", volume.error().message.c_str());
    return;
  }
  std::filesystem::path txt = o.labels;
  txt.replace_extension();  // aal.nii
  auto table = readLabelTable(txt.string() + ".txt", txt.string() + ".lut");
  const std::vector<LabelEntry> entries = table.ok() ? *table : std::vector<LabelEntry>{};
  std::printf("\nlabel surfaces: %s %dx%dx%d, %zu labels present, best of %d\n",
              o.labels.filename().c_str(), volume->dims.x, volume->dims.y, volume->dims.z,
              labelsPresent(*volume).size(), o.runs);
  std::printf("%-44s %7s %8s %8s %10s\n", "variant", "threads", "best ms", "median", "triangles");
  struct Variant {
    const char* name;
    LabelParallelism parallelism;
    bool parallel;
    int smoothing;
  };
  const Variant variants[] = {
      {"one label per job", LabelParallelism::AcrossLabels, true, 0},
      {"labels in turn, each extraction parallel", LabelParallelism::WithinLabel, true, 0},
      {"serial", LabelParallelism::AcrossLabels, false, 0},
      {"one label per job, 10 Taubin iterations", LabelParallelism::AcrossLabels, true, 10},
  };
  for (const Variant& v : variants) {
    LabelSurfaceOptions options;
    options.parallelism = v.parallelism;
    options.parallel = v.parallel;
    options.smoothingIterations = v.smoothing;
    std::size_t triangles = 0;
    const Timing t = timeRuns(o.runs, [&] {
      auto surfaces = extractLabelSurfaces(*volume, entries, options);
      triangles = 0;
      if (surfaces.ok()) {
        for (const LabelSurface& s : *surfaces) {
          triangles += assets::triangleCount(s.mesh);
        }
      }
    });
    std::printf("%-44s %7zu %8.1f %8.1f %10zu\n", v.name, v.parallel ? hardware + 1 : 1, t.bestMs,
                t.medianMs, triangles);
  }
}

}  // namespace

int main(int argc, char** argv) {
  const std::optional<Options> parsed = parse(argc, argv);
  if (!parsed) {
    return 2;
  }
  const Options& o = *parsed;
  const auto loadStart = std::chrono::steady_clock::now();
  auto volume = readNifti(o.file);
  const double loadMs =
      std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - loadStart)
          .count();
  if (!volume.ok()) {
    std::fprintf(stderr, "%s\n", volume.error().message.c_str());
    return 1;
  }
  const auto voxels = static_cast<double>(volume->voxelCount());
  const std::size_t hardware = std::max(1U, std::thread::hardware_concurrency());

  // Threads that run chunks: a pool's workers plus the calling thread.
  // "N-1 workers + caller" matches VTK's N threads; defaultJobSystem() (N
  // workers + caller) is what the engine uses.
  JobSystem matched(hardware > 1 ? hardware - 1 : 1);
  struct Variant {
    std::string name;
    std::size_t threads;
    IsoOptions options;
  };
  std::vector<Variant> variants;
  for (const bool close : {false, true}) {
    // Names are CSV fields in --machine output: no commas.
    const std::string what = close ? "ours closed at boundary" : "ours open (as VTK)";
    IsoOptions serial;
    serial.parallel = false;
    serial.closeAtBoundary = close;
    IsoOptions pool;
    pool.jobs = &matched;
    pool.closeAtBoundary = close;
    IsoOptions engineDefault;
    engineDefault.closeAtBoundary = close;
    if (hardware > 1) {
      variants.push_back({what, matched.threadCount() + 1, pool});
    }
    variants.push_back(
        {what + " engine pool", defaultJobSystem().threadCount() + 1, engineDefault});
    variants.push_back({what, 1, serial});
  }

  if (!o.machine) {
    std::printf(
        "%s %dx%dx%d %s (%.1f M voxels), loaded in %.0f ms; iso %g, best of %d runs, "
        "%zu hardware threads\n",
        o.file.filename().c_str(), volume->dims.x, volume->dims.y, volume->dims.z,
        voxelTypeName(volume->type()).data(), voxels / 1e6, loadMs, o.iso, o.runs, hardware);
    std::printf("%-40s %7s %8s %8s %7s %10s %9s\n", "variant", "threads", "best ms", "median",
                "Mvox/s", "triangles", "vertices");
  }
  for (const Variant& v : variants) {
    assets::MeshData mesh;
    const Timing t = timeRuns(o.runs, [&] {
      auto result = extractIsosurface(*volume, o.iso, v.options);
      if (result.ok()) {
        mesh = std::move(*result);
      }
    });
    const double mvox = voxels / (t.bestMs * 1e3);
    std::printf(
        o.machine ? "%s,%zu,%.2f,%.2f,%.1f,%zu,%zu\n" : "%-40s %7zu %8.1f %8.1f %7.1f %10zu %9zu\n",
        v.name.c_str(), v.threads, t.bestMs, t.medianMs, mvox, assets::triangleCount(mesh),
        mesh.vertices.size());
  }
  if (o.machine) {
    return 0;
  }

  // What happens after extraction in medverse-case: closedness check,
  // simplification to a budget, vertex-cache optimisation.
  auto mesh = extractIsosurface(*volume, o.iso);
  if (mesh.ok()) {
    std::printf("\nafter extraction (%zu triangles), one run each\n", assets::triangleCount(*mesh));
    EdgeCensus census;
    Timing t = timeRuns(1, [&] { census = censusEdges(*mesh); });
    std::printf("  censusEdges                 %8.1f ms  closed: %s\n", t.bestMs,
                census.closed() ? "yes" : "no");
    for (const std::size_t budget : {500000U, 100000U}) {
      SimplifyReport report;
      assets::MeshData simplified;
      t = timeRuns(1, [&] { simplified = simplify(*mesh, budget, {}, &report); });
      const double change =
          assets::signedVolume(simplified) / assets::signedVolume(*mesh) * 100.0 - 100.0;
      std::printf(
          "  simplify to %-7zu          %8.1f ms  -> %zu triangles, closed: %s, volume "
          "%+.2f%%; %d steps, %d meshopt runs, %zu fin triangles, %zu bubbles, %zu flips, %zu "
          "protected\n",
          budget, t.bestMs, report.trianglesAfter, report.after.closed() ? "yes" : "no", change,
          report.stages, report.attempts, report.finsRemoved, report.piecesRemoved,
          report.edgesFlipped, report.protectedTriangles);
    }
    t = timeRuns(1, [&] { optimizeForRendering(*mesh); });
    std::printf("  optimizeForRendering        %8.1f ms\n", t.bestMs);
  }
  benchLabels(o, defaultJobSystem().threadCount());
  return 0;
}

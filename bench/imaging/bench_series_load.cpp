// DICOM series load time: find the series in a directory and assemble the
// volume (header scan, slice sort, pixel decode, rescale), for
// docs/PERFORMANCE.md. scripts/bench-series runs this next to `dcm2niix`
// on the same series (bench/imaging/make_dicom_series.py writes them).
//
// Usage: bench_series_load --dir DIR [--runs 5] [--machine]
// --machine prints one CSV line: name,best_ms,median_ms,slices,megabytes,best_cpu_ms
// (CPU time = user + system of the process over the run, all threads).
// Figures only; nothing here asserts.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "medverse/imaging/dicom_series.h"

using namespace medverse;
using namespace medverse::imaging;

int main(int argc, char** argv) {
  std::filesystem::path dir;
  int runs = 5;
  bool machine = false;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    if (arg == "--dir" && i + 1 < argc) {
      dir = argv[++i];
    } else if (arg == "--runs" && i + 1 < argc) {
      runs = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--machine") {
      machine = true;
    } else {
      std::fprintf(stderr, "usage: bench_series_load --dir DIR [--runs N] [--machine]\n");
      return 2;
    }
  }
  if (dir.empty()) {
    std::fprintf(stderr, "bench_series_load: --dir is required\n");
    return 2;
  }

  std::vector<double> ms;
  std::vector<double> cpuMs;
  std::size_t slices = 0;
  double megabytes = 0.0;
  for (int r = 0; r < runs; ++r) {
    timespec cpuStart{};
    timespec cpuStop{};
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpuStart);
    const auto start = std::chrono::steady_clock::now();
    Result<Volume> volume = readDicomSeries(dir);
    const auto stop = std::chrono::steady_clock::now();
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &cpuStop);
    cpuMs.push_back(static_cast<double>(cpuStop.tv_sec - cpuStart.tv_sec) * 1e3 +
                    static_cast<double>(cpuStop.tv_nsec - cpuStart.tv_nsec) / 1e6);
    if (!volume) {
      std::fprintf(stderr, "bench_series_load: %s\n", volume.error().message.c_str());
      return 3;
    }
    slices = static_cast<std::size_t>(volume->dims.z);
    megabytes = static_cast<double>(volume->bytes().size()) / 1e6;
    ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
  }
  std::sort(ms.begin(), ms.end());
  std::sort(cpuMs.begin(), cpuMs.end());
  const double best = ms.front();
  const double median = ms[ms.size() / 2];
  if (machine) {
    std::printf("medverse,%.2f,%.2f,%zu,%.1f,%.2f\n", best, median, slices, megabytes,
                cpuMs.front());
  } else {
    std::printf(
        "%s: %zu slices, %.1f MB of voxels: best %.1f ms, median %.1f ms, CPU %.1f ms (%d runs)\n",
        dir.string().c_str(), slices, megabytes, best, median, cpuMs.front(), runs);
  }
  return 0;
}

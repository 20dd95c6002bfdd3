// Frame time of the ch2better brain hologram in the consult room (sample
// case, MR brain preset) on the Vulkan device (lavapipe on the project's
// machine): empty-space skipping + early ray termination against plain ray
// marching, each speed-up alone, from the room viewpoint and close up. For
// docs/PERFORMANCE.md; the target is >= 3x for skipping + early
// termination over plain marching. Figures only; nothing here asserts.
//
// Usage: bench_volume [--size 640x480] [--frames 3] [--samples 4]
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "medverse/app/case_scene.h"
#include "medverse/app/orbit_camera.h"
#include "medverse/app/room_scene.h"
#include "medverse/assets/room.h"
#include "medverse/core/log.h"
#include "medverse/render/context.h"
#include "medverse/render/offscreen_target.h"
#include "medverse/render/renderer.h"

using namespace medverse;

namespace {

struct Options {
  uint32_t width = 640;
  uint32_t height = 480;
  int frames = 3;
  int samples = 4;
};

bool parse(int argc, char** argv, Options& o) {
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    if (arg == "--size" && hasValue) {
      if (std::sscanf(argv[++i], "%ux%u", &o.width, &o.height) != 2 || o.width == 0 ||
          o.height == 0) {
        return false;
      }
    } else if (arg == "--frames" && hasValue) {
      o.frames = std::atoi(argv[++i]);
    } else if (arg == "--samples" && hasValue) {
      o.samples = std::atoi(argv[++i]);
    } else {
      return false;
    }
  }
  return o.frames >= 1 && (o.samples == 1 || o.samples == 4);
}

struct Timing {
  double medianMs = 0.0;
  double bestMs = 0.0;
};

}  // namespace

int main(int argc, char** argv) {
  log::setLevelFromEnv();
  Options options;
  if (!parse(argc, argv, options)) {
    std::fprintf(stderr, "usage: bench_volume [--size WxH] [--frames N>=1] [--samples 1|4]\n");
    return 2;
  }
  render::ContextOptions contextOptions;
  contextOptions.validation = false;  // timing, not checking
  auto context = render::Context::create(contextOptions);
  if (!context) {
    std::fprintf(stderr, "bench_volume: %s\n", context.error().message.c_str());
    return 1;
  }
  int rc = 0;
  {
    auto renderer = render::Renderer::create(**context);
    auto target = render::OffscreenTarget::create(
        **context, options.width, options.height,
        options.samples == 4 ? VK_SAMPLE_COUNT_4_BIT : VK_SAMPLE_COUNT_1_BIT);
    if (!renderer || !target) {
      std::fprintf(stderr, "bench_volume: cannot create the renderer or target\n");
      return 1;
    }
    const assets::Room room = assets::buildConsultRoom();
    auto roomScene = app::RoomScene::create(**renderer, room, false);
    auto bundle = app::loadSampleCase(app::defaultCacheDir());
    if (!roomScene || !bundle) {
      std::fprintf(stderr, "bench_volume: %s\n",
                   (!bundle ? bundle.error() : roomScene.error()).message.c_str());
      return 1;
    }
    app::CaseSceneOptions caseOptions;
    caseOptions.anchor = room.hologramAnchor;
    caseOptions.metresPerMm = 0.002F;  // as medverse --mode headless shows it
    auto hologram = app::CaseScene::create(**renderer, *bundle, caseOptions);
    if (!hologram) {
      std::fprintf(stderr, "bench_volume: %s\n", hologram.error().message.c_str());
      return 1;
    }
    const render::VolumeInfo& info = hologram->volumeInfo();
    const uint32_t bricks = info.bricks.x * info.bricks.y * info.bricks.z;
    std::printf("device: %s\n", (*context)->deviceName().c_str());
    std::printf("volume: %ux%ux%u voxels, %.2f mm, %u bricks of %u^3 (%u all background, %.0f%%)\n",
                info.dims.x, info.dims.y, info.dims.z, info.spacing.x, bricks,
                render::kVolumeBrickSize, info.uniformBricks,
                100.0 * info.uniformBricks / std::max(bricks, 1U));
    std::printf(
        "target: %ux%u, %dx MSAA; step 0.5 voxel; MR brain preset; %d timed frames each\n\n",
        options.width, options.height, options.samples, options.frames);

    const float aspect = static_cast<float>(options.width) / static_cast<float>(options.height);
    struct Viewpoint {
      const char* name;
      app::OrbitCamera camera;
    };
    const Viewpoint viewpoints[] = {
        {"room view",
         app::OrbitCamera::lookingAt(room.suggestedCameraPosition, room.hologramAnchor)},
        {"close-up",
         app::OrbitCamera::lookingAt(room.hologramAnchor + glm::vec3(0.25F, 0.15F, 0.75F),
                                     room.hologramAnchor)},
    };
    struct Mode {
      const char* name;
      bool skipping;
      bool early;
    };
    const Mode modes[] = {{"plain ray marching", false, false},
                          {"early termination only", false, true},
                          {"empty-space skipping only", true, false},
                          {"skipping + early termination", true, true}};
    for (const Viewpoint& vp : viewpoints) {
      std::printf("%s\n", vp.name);
      {
        // The room alone, for scale: what the hologram adds is the rest.
        const render::RenderView view = roomScene->view(vp.camera.view(aspect));
        std::vector<double> ms;
        for (int f = -1; f < options.frames; ++f) {
          const auto start = std::chrono::steady_clock::now();
          if (Status s = (*renderer)->render(view, (*target)->info()); !s) {
            std::fprintf(stderr, "bench_volume: %s\n", s.error().message.c_str());
            return 1;
          }
          if (f >= 0) {
            ms.push_back(
                std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - start)
                    .count());
          }
        }
        std::sort(ms.begin(), ms.end());
        std::printf("  %-30s median %8.1f ms\n", "room only (no hologram)", ms[ms.size() / 2]);
      }
      std::vector<double> medians;
      for (const Mode& mode : modes) {
        render::RenderView view = roomScene->view(vp.camera.view(aspect));
        hologram->volume().emptySpaceSkipping = mode.skipping;
        hologram->volume().earlyTermination = mode.early;
        hologram->appendTo(view);
        std::vector<double> ms;
        for (int f = -1; f < options.frames; ++f) {  // one untimed warm-up frame
          const auto start = std::chrono::steady_clock::now();
          if (Status s = (*renderer)->render(view, (*target)->info()); !s) {
            std::fprintf(stderr, "bench_volume: %s\n", s.error().message.c_str());
            return 1;
          }
          const auto stop = std::chrono::steady_clock::now();
          if (f >= 0) {
            ms.push_back(std::chrono::duration<double, std::milli>(stop - start).count());
          }
        }
        std::sort(ms.begin(), ms.end());
        const double median = ms[ms.size() / 2];
        medians.push_back(median);
        std::printf("  %-30s median %8.1f ms  best %8.1f ms  (%.2fx plain)\n", mode.name, median,
                    ms.front(), medians.front() / median);
      }
      const double ratio = medians.front() / medians.back();
      std::printf(
          "  => skipping + early termination: %.2fx faster than plain (target >= 3x: %s)\n\n",
          ratio, ratio >= 3.0 ? "met" : "NOT met");
    }
  }
  context.value().reset();
  return rc;
}

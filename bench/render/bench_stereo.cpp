// Stereo frame cost on the fixed bench scene (the consult room, four avatar
// stand-ins and a 64k-triangle stand-in for the hologram on the table), for
// docs/PERFORMANCE.md:
//   mono            one view, one pass
//   multiview       both eyes, one multiview pass into a 2-layer target
//   per-view passes both eyes, one single-view pass per layer (what lavapipe
//                   gets by default, see engine/render/include/medverse/render/context.h)
//   two mono        two separate mono frames, one per eye (the naive way)
// Each frame is recorded, submitted and waited for (Renderer::render).
//
// Usage: bench_stereo [--size 1280x720] [--frames 20] [--samples 4]
// Figures only; nothing here asserts.
#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <glm/gtc/matrix_transform.hpp>
#include <optional>
#include <string>
#include <vector>

#include "medverse/app/client_scene.h"
#include "medverse/assets/primitives.h"
#include "medverse/render/camera.h"
#include "medverse/render/context.h"
#include "medverse/render/offscreen_target.h"
#include "medverse/render/renderer.h"

using namespace medverse;

namespace {

struct Options {
  uint32_t width = 1280;
  uint32_t height = 720;
  int frames = 20;
  VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_4_BIT;
};

struct Timing {
  double medianMs = 0.0;
  double bestMs = 0.0;
};

Timing timeFrames(int frames, const std::function<bool()>& frame) {
  for (int i = 0; i < 3; ++i) {  // warm-up: pipelines, caches
    if (!frame()) {
      std::exit(1);
    }
  }
  std::vector<double> ms;
  for (int i = 0; i < frames; ++i) {
    const auto t0 = std::chrono::steady_clock::now();
    if (!frame()) {
      std::exit(1);
    }
    ms.push_back(
        std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0).count());
  }
  std::sort(ms.begin(), ms.end());
  return {ms[ms.size() / 2], ms.front()};
}

bool ok(const Status& s) {
  if (!s) {
    std::fprintf(stderr, "bench_stereo: %s\n", s.error().message.c_str());
  }
  return s.ok();
}

// The bench scene: the client scene plus stand-ins for what the session adds.
struct BenchScene {
  std::unique_ptr<render::Renderer> renderer;
  std::optional<app::ClientScene> scene;
  std::vector<render::MeshInstance> extras;
  uint64_t extraTriangles = 0;

  bool init(render::Context& context) {
    auto r = render::Renderer::create(context);
    if (!r) {
      return ok(r.error());
    }
    renderer = std::move(*r);
    auto s = app::createClientScene(*renderer, {});
    if (!s) {
      return ok(s.error());
    }
    scene = std::move(*s);
    const assets::MeshData hologramMesh = assets::makeUvSphere(0.18F, 256, 128);
    auto hologram = renderer->uploadMesh(hologramMesh);
    auto body = renderer->uploadMesh(assets::makeCapsule(0.18F, 0.9F, 32, 16));
    auto head = renderer->uploadMesh(assets::makeUvSphere(0.11F, 32, 16));
    auto hand = renderer->uploadMesh(assets::makeUvSphere(0.05F, 16, 8));
    if (!hologram || !body || !head || !hand) {
      std::fprintf(stderr, "bench_stereo: cannot upload the stand-in meshes\n");
      return false;
    }
    extraTriangles += hologramMesh.indices.size() / 3;
    const glm::vec3 table = scene->room().room().testObjectPosition;
    render::MeshInstance h;
    h.mesh = *hologram;
    h.model = glm::translate(glm::mat4(1.0F), table + glm::vec3(0.35F, 0.18F, 0.0F));
    h.material.baseColor = {0.85F, 0.7F, 0.6F, 1.0F};
    extras.push_back(h);
    // Four people standing around the table.
    const glm::vec3 spots[4] = {
        {-1.3F, 0.0F, 0.0F}, {1.3F, 0.0F, 0.0F}, {0.0F, 0.0F, -1.2F}, {-0.9F, 0.0F, 1.1F}};
    for (const glm::vec3& spot : spots) {
      render::MeshInstance part;
      part.material.baseColor = {0.2F, 0.45F, 0.8F, 1.0F};
      part.mesh = *body;
      part.model = glm::translate(glm::mat4(1.0F), spot + glm::vec3(0.0F, 0.9F, 0.0F));
      extras.push_back(part);
      part.mesh = *head;
      part.model = glm::translate(glm::mat4(1.0F), spot + glm::vec3(0.0F, 1.65F, 0.0F));
      extras.push_back(part);
      part.mesh = *hand;
      for (float side : {-0.3F, 0.3F}) {
        part.model = glm::translate(glm::mat4(1.0F), spot + glm::vec3(side, 1.1F, 0.15F));
        extras.push_back(part);
      }
    }
    return true;
  }

  render::RenderView view(const render::CameraView& camera) {
    // No overlay in the bench scene, so the viewport size does not matter.
    render::RenderView v = scene->view(camera, glm::vec2(1.0F));
    v.meshes.insert(v.meshes.end(), extras.begin(), extras.end());
    return v;
  }
};

struct Figures {
  Timing mono;
  Timing stereo;
  Timing twoMono;
  uint64_t triangles = 0;
};

// Times mono, stereo (the context's stereo path) and two mono frames.
bool measure(const Options& o, render::MultiviewPolicy policy, Figures& out, std::string& device) {
  render::ContextOptions contextOptions;
  contextOptions.validation = false;
  contextOptions.multiview = policy;
  auto context = render::Context::create(contextOptions);
  if (!context) {
    return ok(context.error());
  }
  device = (*context)->deviceName();
  {
    BenchScene bench;
    if (!bench.init(**context)) {
      return false;
    }
    auto mono = render::OffscreenTarget::create(**context, o.width, o.height, o.samples, 1);
    auto stereo = render::OffscreenTarget::create(**context, o.width, o.height, o.samples, 2);
    if (!mono || !stereo) {
      return ok(!mono ? mono.error() : stereo.error());
    }
    const app::OrbitCamera& camera = bench.scene->startCamera;
    const float aspect = static_cast<float>(o.width) / static_cast<float>(o.height);
    const render::CameraView head = camera.view(aspect);
    const render::Fov fov = render::symmetricFov(camera.fovY, aspect);
    const auto eyes =
        render::stereoEyes(head, render::kDefaultIpd, {fov, fov}, camera.nearZ, camera.farZ);
    const render::RenderView monoView = bench.view(head);
    render::RenderView stereoView = monoView;
    stereoView.viewCount = 2;
    stereoView.eyes = eyes;
    render::RenderView leftView = bench.view(eyes[0]);
    render::RenderView rightView = bench.view(eyes[1]);
    render::Renderer& r = *bench.renderer;

    out.mono = timeFrames(o.frames, [&] { return ok(r.render(monoView, (*mono)->info())); });
    out.triangles = r.lastFrameStats().triangles;
    out.stereo = timeFrames(o.frames, [&] { return ok(r.render(stereoView, (*stereo)->info())); });
    out.twoMono = timeFrames(o.frames, [&] {
      return ok(r.render(leftView, (*mono)->info())) && ok(r.render(rightView, (*mono)->info()));
    });
  }
  return true;
}

}  // namespace

int main(int argc, char** argv) {
  Options o;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    const bool hasValue = i + 1 < argc;
    if (arg == "--size" && hasValue) {
      if (std::sscanf(argv[++i], "%ux%u", &o.width, &o.height) != 2 || o.width == 0 ||
          o.height == 0) {
        std::fprintf(stderr, "bench_stereo: --size wants WIDTHxHEIGHT, e.g. 1280x720\n");
        return 2;
      }
    } else if (arg == "--frames" && hasValue) {
      o.frames = std::max(1, std::atoi(argv[++i]));
    } else if (arg == "--samples" && hasValue) {
      o.samples = static_cast<VkSampleCountFlagBits>(std::max(1, std::atoi(argv[++i])));
    } else {
      std::fprintf(stderr, "usage: bench_stereo [--size 1280x720] [--frames 20] [--samples 4]\n");
      return 2;
    }
  }
  Figures native;
  Figures perView;
  std::string device;
  if (!measure(o, render::MultiviewPolicy::Native, native, device) ||
      !measure(o, render::MultiviewPolicy::PerViewPasses, perView, device)) {
    return 1;
  }
  std::printf("bench_stereo on %s, %ux%u per eye, %dx MSAA, %d frames (median, best in ms)\n",
              device.c_str(), o.width, o.height, static_cast<int>(o.samples), o.frames);
  std::printf("scene: %llu triangles per view\n",
              static_cast<unsigned long long>(native.triangles));
  auto row = [](const char* name, const Timing& t) {
    std::printf("  %-34s %8.2f  %8.2f\n", name, t.medianMs, t.bestMs);
  };
  row("mono (one eye)", native.mono);
  row("stereo, one multiview pass", native.stereo);
  row("stereo, per-view passes", perView.stereo);
  row("stereo, two mono frames", native.twoMono);
  // "Two mono passes" is read both ways: two passes in one submission (the
  // per-view path) and two whole frames.
  const double vsPasses = native.stereo.medianMs / perView.stereo.medianMs;
  const double vsFrames = native.stereo.medianMs / native.twoMono.medianMs;
  auto verdict = [](double ratio) { return ratio <= 0.70 ? "met" : "not met on this device"; };
  std::printf("multiview / two mono passes (one submission): %.2fx (target <= 0.70x: %s)\n",
              vsPasses, verdict(vsPasses));
  std::printf("multiview / two mono frames:                  %.2fx (target <= 0.70x: %s)\n",
              vsFrames, verdict(vsFrames));
  std::printf("per-view passes / two mono frames:            %.2fx\n",
              perView.stereo.medianMs / native.twoMono.medianMs);
  std::printf("multiview stereo / mono:                      %.2fx\n",
              native.stereo.medianMs / native.mono.medianMs);
  return 0;
}

// AR through the loader and xrsim with both validation layers on: on a
// passthrough-camera headset (XR_FB_passthrough offered) the engine runs a
// passthrough layer beneath its projection layer, which it blends by alpha
// over it with a clear alpha of 0; on a see-through display it uses the
// alpha-blend or additive blend mode instead; in VR it leaves passthrough
// alone.
#include <doctest/doctest.h>

#include "medverse/assets/primitives.h"
#include "medverse/render/image_io.h"
#include "medverse/render/renderer.h"
#include "xr_test_support.h"

namespace medverse::test {
namespace {

struct ArRun {
  xr::XrLoopReport loop;
  nlohmann::json xrsim;
  render::RgbaImage left;
};

// 64x64 eyes; a bright square straight ahead fills the middle of the view.
ArRun runAr(const std::string& name, const std::string& hmd, xr::ViewMode mode) {
  const std::filesystem::path dir = freshXrDir(name);
  // Debian's core validation layer (1.0.20) knows no extension layer types
  // in xrEndFrame: it fails XrCompositionLayerPassthroughFB with
  // VUID-XrCompositionLayerBaseHeader-type-type and never calls the
  // runtime. With passthrough in use it stays off; xrsim's own checks
  // (handles, running state, order of destruction) remain.
  const bool passthrough = mode == xr::ViewMode::Ar &&
                           hmd.find(R"("passthrough": true)") != std::string::npos;
  const char* enabled = std::getenv("XR_ENABLE_API_LAYERS");  // NOLINT(concurrency-mt-unsafe)
  const std::string layers = enabled != nullptr ? enabled : "";
  if (passthrough) {
    ::unsetenv("XR_ENABLE_API_LAYERS");  // NOLINT(concurrency-mt-unsafe)
  }
  writeScript(dir, R"({"hmd": )" + hmd + R"(, "capture": [8]})");
  setEnv("MEDVERSE_XRSIM_CAPTURE", (dir / "capture").string());
  render::MeshHandle square;
  xr::XrLoopCallbacks callbacks;
  callbacks.start = [&](render::Renderer& renderer) -> Status {
    Result<render::MeshHandle> mesh = renderer.uploadMesh(assets::makeBox({0.2F, 0.2F, 0.01F}));
    if (!mesh) {
      return mesh.error();
    }
    square = *mesh;
    return {};
  };
  callbacks.frame.view = [&](const xr::XrFrameInfo&, const render::CameraView& camera) {
    render::RenderView view;
    view.camera = camera;
    view.clearColor = {0.2F, 0.3F, 0.4F, 1.0F};  // the session sets the alpha
    render::MeshInstance m;
    m.mesh = square;
    m.model = glm::translate(glm::mat4(1.0F), glm::vec3(0.0F, 1.6F, -0.5F));
    m.material.baseColor = {0.0F, 0.0F, 0.0F, 1.0F};
    m.material.emissive = {1.0F, 1.0F, 1.0F};
    view.meshes.push_back(m);
    return view;
  };
  ArRun out;
  out.loop = run(dir, callbacks, 10, mode);
  setEnv("XR_ENABLE_API_LAYERS", layers);
  out.xrsim = readXrsimReport(dir / "report.json");
  CHECK(out.xrsim["implicitly_destroyed"].empty());
  Result<render::RgbaImage> left = render::readPng(dir / "capture" / "frame_00008_left.png");
  REQUIRE(left.ok());
  out.left = std::move(*left);
  return out;
}

std::vector<std::string> onlyStack(const nlohmann::json& report) {
  REQUIRE(report["layer_stacks"].size() == 1);  // every rendered frame submitted the same
  return report["layer_stacks"][0]["layers"].get<std::vector<std::string>>();
}

TEST_CASE("AR on a passthrough headset: the passthrough layer goes beneath the projection, blended by an alpha cleared to 0") {
  ArRun r = runAr("ar_passthrough", R"({"eye_size": [64, 64], "passthrough": true,
                                        "blend_modes": ["opaque"]})",
                  xr::ViewMode::Ar);
  CHECK(r.loop.passthrough);
  CHECK(r.loop.blendMode == XR_ENVIRONMENT_BLEND_MODE_OPAQUE);
  // Bottom first: the camera's view, then ours over it by its alpha.
  CHECK(onlyStack(r.xrsim) ==
        std::vector<std::string>{"passthrough_fb", "projection+alpha+depth"});
  CHECK(r.xrsim["passthrough"]["created"] == 1);
  CHECK(r.xrsim["passthrough"]["layers_created"] == 1);
  CHECK(r.xrsim["passthrough"]["starts"] == 1);
  CHECK(r.xrsim["passthrough"]["misuse"].empty());  // incl. destroyed layer-first
  // The eye image: the world shows through the cleared background, not
  // through the hologram (the square).
  CHECK(r.left.at(2, 2).a == 0);
  CHECK(r.left.at(32, 32).a == 255);
  CHECK(r.left.at(32, 32).g > 200);
}

TEST_CASE("AR without passthrough falls back to the display's alpha-blend, then additive, blend mode") {
  SUBCASE("alpha-blend") {
    ArRun r = runAr("ar_alpha_blend", R"({"eye_size": [64, 64],
                                          "blend_modes": ["opaque", "additive", "alpha_blend"]})",
                    xr::ViewMode::Ar);
    CHECK_FALSE(r.loop.passthrough);
    CHECK(r.loop.blendMode == XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND);
    CHECK(onlyStack(r.xrsim) == std::vector<std::string>{"projection+alpha+depth"});
    CHECK(r.left.at(2, 2).a == 0);
    CHECK(r.left.at(32, 32).a == 255);
  }
  SUBCASE("additive") {
    ArRun r = runAr("ar_additive", R"({"eye_size": [64, 64], "blend_modes": ["opaque", "additive"]})",
                    xr::ViewMode::Ar);
    CHECK(r.loop.blendMode == XR_ENVIRONMENT_BLEND_MODE_ADDITIVE);
    CHECK(onlyStack(r.xrsim) == std::vector<std::string>{"projection+depth"});
    CHECK(r.left.at(2, 2).a == 0);  // black adds nothing to the world
  }
}

TEST_CASE("VR on a passthrough headset leaves passthrough off: one opaque projection layer") {
  ArRun r = runAr("vr_on_passthrough_hmd", R"({"eye_size": [64, 64], "passthrough": true})",
                  xr::ViewMode::Vr);
  CHECK_FALSE(r.loop.passthrough);
  CHECK(onlyStack(r.xrsim) == std::vector<std::string>{"projection+depth"});
  CHECK(r.xrsim["passthrough"]["created"] == 0);
  CHECK(r.left.at(2, 2).a == 255);
}

}  // namespace
}  // namespace medverse::test

namespace medverse::test {
namespace {

TEST_CASE("xrsim catches XR_FB_passthrough misuse: a second feature per session, a layer from an invalid feature") {
  const std::filesystem::path dir = freshXrDir("passthrough_misuse");
  writeScript(dir, R"({"hmd": {"eye_size": [32, 32], "passthrough": true}})");
  setEnv("MEDVERSE_XRSIM_REPORT", (dir / "report.json").string());
  // Without the core validation layer, which would stop the bad calls
  // before xrsim sees them (and fails extension layers; see runAr).
  const char* enabled = std::getenv("XR_ENABLE_API_LAYERS");  // NOLINT(concurrency-mt-unsafe)
  const std::string layers = enabled != nullptr ? enabled : "";
  ::unsetenv("XR_ENABLE_API_LAYERS");  // NOLINT(concurrency-mt-unsafe)
  {
    xr::RuntimeOptions options;
    options.mode = xr::ViewMode::Ar;
    auto runtime = xr::XrRuntime::create(options);
    REQUIRE_MESSAGE(runtime.ok(), (runtime.ok() ? "" : runtime.error().message));
    REQUIRE((*runtime)->passthroughEnabled());
    auto context = (*runtime)->createContext(true);
    REQUIRE_MESSAGE(context.ok(), (context.ok() ? "" : context.error().message));
    auto input = xr::ControllerInput::create((*runtime)->instance());
    REQUIRE(input.ok());
    auto session = xr::Session::create(**runtime, **context, **input);
    REQUIRE_MESSAGE(session.ok(), (session.ok() ? "" : session.error().message));
    CHECK((*session)->passthroughRunning());
    const xr::FbPassthrough& fb = (*runtime)->fbPassthrough();
    XrPassthroughCreateInfoFB info{XR_TYPE_PASSTHROUGH_CREATE_INFO_FB};
    info.flags = XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB;
    XrPassthroughFB second = XR_NULL_HANDLE;
    CHECK(fb.createPassthrough((*session)->handle(), &info, &second) ==
          XR_ERROR_FEATURE_ALREADY_CREATED_PASSTHROUGH_FB);
    XrPassthroughLayerCreateInfoFB layer{XR_TYPE_PASSTHROUGH_LAYER_CREATE_INFO_FB};
    layer.passthrough = reinterpret_cast<XrPassthroughFB>(uintptr_t{0x5eed});  // NOLINT
    layer.flags = XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB;
    XrPassthroughLayerFB bad = XR_NULL_HANDLE;
    CHECK(fb.createLayer((*session)->handle(), &layer, &bad) == XR_ERROR_HANDLE_INVALID);
    session->reset();
    input->reset();
    context->reset();
  }
  setEnv("XR_ENABLE_API_LAYERS", layers);
  nlohmann::json report = readXrsimReport(dir / "report.json");
  CHECK(report["passthrough"]["misuse"].size() == 2);
  CHECK(report["implicitly_destroyed"].empty());  // the session's own were destroyed in order
}

}  // namespace
}  // namespace medverse::test

// The desktop mode as a person at a screen sees it, in a real (virtual) X
// server: the window shows the room exactly as the offscreen renderer draws
// it, keeps presenting through a resize, honours vsync off, and the
// validation layer stays silent throughout.
#include <doctest/doctest.h>

#include <cstdlib>
#include <filesystem>

#include "medverse/app/desktop.h"
#include "medverse/app/headless.h"
#include "medverse/platform/window.h"
#include "medverse/render/context.h"
#include "medverse/render/image_io.h"
#include "medverse/render/renderer.h"
#include "medverse/render/swapchain_target.h"

using namespace medverse;

namespace {

int maxDifference(const render::RgbaImage& a, const render::RgbaImage& b) {
  REQUIRE(a.width == b.width);
  REQUIRE(a.height == b.height);
  int worst = 0;
  for (size_t i = 0; i < a.pixels.size(); ++i) {
    worst = std::max(worst, std::abs(int(a.pixels[i]) - int(b.pixels[i])));
  }
  return worst;
}

}  // namespace

TEST_CASE("the window shows the room exactly as the offscreen renderer draws it") {
  REQUIRE_MESSAGE(std::getenv("DISPLAY") != nullptr, "run through tests/desktop/with_xvfb.sh");
  app::DesktopOptions options;
  options.width = 400;
  options.height = 250;
  options.frames = 3;
  options.validation = true;
  options.screenshot = std::filesystem::temp_directory_path() / "medverse_test_desktop.png";
  std::filesystem::remove(options.screenshot);
  auto desktop = app::runDesktop(options);
  REQUIRE_MESSAGE(desktop.ok(), (desktop.ok() ? "" : desktop.error().message));
  CHECK(desktop->validationEnabled);
  CHECK(desktop->validationErrors == 0);
  CHECK(desktop->framesPresented == 3);
  CHECK(desktop->image.width == 400);
  CHECK(desktop->image.height == 250);
  auto png = render::readPng(options.screenshot);
  REQUIRE(png.ok());
  CHECK(png->pixels == desktop->image.pixels);

  // Same camera, same size, offscreen: the presented frame is that picture.
  app::HeadlessOptions headless;
  headless.width = 400;
  headless.height = 250;
  headless.validation = true;
  auto reference = app::runHeadless(headless);
  REQUIRE(reference.ok());
  const int diff = maxDifference(desktop->image, reference->image);
  MESSAGE("largest difference between window and offscreen frame: " << diff);
  CHECK(diff <= 1);

  // And it is the room, not an empty clear colour: many distinct colours,
  // the bright test object in the middle of the picture.
  const glm::u8vec4 centre = desktop->image.at(200, 110);
  MESSAGE("centre pixel " << int(centre.r) << "," << int(centre.g) << "," << int(centre.b));
  CHECK(centre.r > 180);
  int differing = 0;
  const glm::u8vec4 corner = desktop->image.at(0, 0);
  for (uint32_t y = 0; y < 250; y += 5) {
    for (uint32_t x = 0; x < 400; x += 5) {
      const glm::u8vec4 p = desktop->image.at(x, y);
      differing += (std::abs(p.r - corner.r) + std::abs(p.g - corner.g) > 40) ? 1 : 0;
    }
  }
  CHECK(differing > 400);  // of 4000 samples: table, object, floor all differ from the wall
}

TEST_CASE("resizing the window rebuilds the swapchain and frames keep presenting") {
  app::DesktopOptions options;
  options.width = 320;
  options.height = 200;
  options.frames = 40;
  options.validation = true;
  options.screenshot = std::filesystem::temp_directory_path() / "medverse_test_resize.png";
  options.onFrame = [](platform::Window& window, uint32_t frame) {
    if (frame == 5) {
      window.setSize(480, 300);
    }
    if (frame == 20) {
      window.setSize(256, 256);
    }
  };
  auto report = app::runDesktop(options);
  REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  CHECK(report->validationErrors == 0);
  CHECK(report->framesPresented == 40);
  MESSAGE("swapchain rebuilds: " << report->swapchainRebuilds
                                 << ", skipped frames: " << report->framesSkipped);
  CHECK(report->swapchainRebuilds >= 2);
  CHECK(report->finalWidth == 256);
  CHECK(report->finalHeight == 256);
  // The last frame fills the new size and still shows the room.
  CHECK(report->image.width == 256);
  CHECK(report->image.height == 256);
  CHECK(report->image.at(128, 128).r > 150);
}

TEST_CASE("vsync off presents without waiting for the display (MAILBOX or IMMEDIATE)") {
  app::DesktopOptions options;
  options.width = 160;
  options.height = 100;
  options.frames = 5;
  options.vsync = false;
  options.validation = true;
  auto report = app::runDesktop(options);
  REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  CHECK_FALSE(report->vsync);
  CHECK(report->framesPresented == 5);
  CHECK(report->validationErrors == 0);

  options.vsync = true;
  auto fifo = app::runDesktop(options);
  REQUIRE(fifo.ok());
  CHECK(fifo->vsync);
}

TEST_CASE("input between two frames is all seen by the next frame, once") {
  auto window = platform::Window::create({"input", 64, 64, false});
  REQUIRE_MESSAGE(window.ok(), (window.ok() ? "" : window.error().message));
  platform::Window& w = **window;
  w.pollEvents();
  // What GLFW's callbacks deliver for a quick key tap, a click-and-drag and
  // two wheel notches towards the user, all between two frames.
  w.onKey(256, 1);  // GLFW_KEY_ESCAPE, GLFW_PRESS
  w.onKey(256, 0);  // GLFW_RELEASE
  w.onKey(65, 1);   // A held down
  w.onMouseButton(0, 1);
  w.onCursor(w.input().cursorX + 5.0, w.input().cursorY - 2.0);
  w.onCursor(w.input().cursorX + 8.0, w.input().cursorY - 1.0);
  w.onScroll(0.0, -1.0);
  w.onScroll(0.0, -1.0);
  w.onChar(U'x');
  const platform::InputState& frame1 = w.pollEvents();
  CHECK(frame1.pressed(platform::Key::Escape));  // the tap is not lost
  CHECK_FALSE(frame1.down(platform::Key::Escape));
  CHECK(frame1.down(platform::Key::A));
  CHECK(frame1.down(platform::MouseButton::Left));
  CHECK(frame1.pressed(platform::MouseButton::Left));
  CHECK(frame1.cursorDeltaX == doctest::Approx(8.0));
  CHECK(frame1.cursorDeltaY == doctest::Approx(-1.0));
  CHECK(frame1.scrollY == doctest::Approx(-2.0));
  CHECK(frame1.text == U"x");

  const platform::InputState& frame2 = w.pollEvents();
  CHECK_FALSE(frame2.pressed(platform::Key::Escape));  // seen once
  CHECK(frame2.down(platform::Key::A));                // still held
  CHECK(frame2.down(platform::MouseButton::Left));
  CHECK_FALSE(frame2.pressed(platform::MouseButton::Left));
  CHECK(frame2.cursorDeltaX == 0.0);
  CHECK(frame2.scrollY == 0.0);
  CHECK(frame2.text.empty());
}

TEST_CASE("a minimised window (zero size) skips frames, and drawing resumes when it is back") {
  auto window = platform::Window::create({"minimise", 200, 120, true});
  REQUIRE_MESSAGE(window.ok(), (window.ok() ? "" : window.error().message));
  render::ContextOptions contextOptions;
  contextOptions.validation = true;
  contextOptions.instanceExtensions = (*window)->requiredVulkanExtensions();
  contextOptions.deviceExtensions = {VK_KHR_SWAPCHAIN_EXTENSION_NAME};
  auto context = render::Context::create(contextOptions);
  REQUIRE(context.ok());
  {
    auto renderer = render::Renderer::create(**context);
    REQUIRE(renderer.ok());
    auto surface = (*window)->createSurface((*context)->instance());
    REQUIRE(surface.ok());
    auto swapchain = render::SwapchainTarget::create(**context, *surface, {200, 120});
    REQUIRE_MESSAGE(swapchain.ok(), (swapchain.ok() ? "" : swapchain.error().message));
    render::SwapchainTarget& target = **swapchain;
    render::Renderer& draw = **renderer;
    render::RenderView view;
    view.clearColor = {0.0F, 1.0F, 0.0F, 1.0F};

    auto drawFrame = [&]() -> bool {
      auto slot = draw.beginFrame();
      REQUIRE(slot.ok());
      auto frame = target.acquire(*slot);
      REQUIRE(frame.ok());
      if (!frame->has_value()) {
        return false;
      }
      REQUIRE(draw.submitFrame(view, (**frame).target, (**frame).sync).ok());
      REQUIRE(target.present(**frame).ok());
      return true;
    };
    CHECK(drawFrame());
    // What the window system reports while minimised on Windows and Wayland.
    target.resize({0, 0});
    CHECK_FALSE(drawFrame());
    CHECK_FALSE(drawFrame());
    CHECK(target.extent().width == 0);
    target.resize({200, 120});
    REQUIRE(target.captureNextFrame().ok());
    CHECK(drawFrame());
    CHECK(target.extent().width == 200);
    REQUIRE(draw.waitIdle().ok());
    auto image = target.lastCapture();
    REQUIRE(image.ok());
    const glm::u8vec4 p = image->at(100, 60);
    CHECK(p.g == 255);  // the clear colour of the frame drawn after restoring
    CHECK(p.r == 0);
  }
  const render::ValidationReport report = (*context)->validationReport();
  for (const auto& message : report.firstErrors) {
    MESSAGE(message);
  }
  CHECK(report.errors == 0);
}

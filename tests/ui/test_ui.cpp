// engine/ui as a user meets it: the desktop overlay's windows appear where
// they are and leave the rest of the room alone; an in-world panel answers a
// laser pointer's click on the button it points at; labels face the viewer.
#include <doctest/doctest.h>

#include <cmath>
#include <glm/gtc/matrix_transform.hpp>

#include "../render/render_test_support.h"
#include "medverse/render/camera.h"
#include "medverse/render/offscreen_target.h"
#include "medverse/render/renderer.h"
#include "medverse/ui/labels.h"
#include "medverse/ui/overlay.h"
#include "medverse/ui/ui_context.h"
#include "medverse/ui/world_panel.h"

using namespace medverse;
using namespace medverse::render;

namespace {

bool near(glm::u8vec4 a, glm::u8vec4 b, int tolerance) {
  return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance &&
         std::abs(a.b - b.b) <= tolerance;
}

constexpr uint32_t kOrange = IM_COL32(230, 159, 0, 255);

ui::OverlayState sampleState() {
  ui::OverlayState s;
  s.participants = {{"Dr. Amara Okafor", "expert", kOrange, false, true},
                    {"Dr. Jonas Weber", "doctor", IM_COL32(86, 180, 233, 255), true, false},
                    {"Lea Martin", "trainee", IM_COL32(0, 158, 115, 255), false, false}};
  s.caseSummary = ui::CaseSummary{"ch2 template brain", "MR", {181, 217, 181}, {1.0F, 1.0F, 1.0F}};
  s.presets = {"CT bone", "CT lung", "CT soft tissue", "MR brain"};
  s.activePreset = 3;
  s.clipPlanes = {{"Axial cut", true, -12.0F, 90.0F}};
  s.frame = {11.1F, 42, 123456, "llvmpipe"};
  return s;
}

struct Fixture {
  std::unique_ptr<Context> context = test::makeContext();
  std::unique_ptr<Renderer> renderer;
  std::unique_ptr<ui::UiFonts> fonts;

  Fixture() {
    auto r = Renderer::create(*context);
    REQUIRE(r.ok());
    renderer = std::move(r.value());
    auto f = ui::UiFonts::create(*renderer);
    REQUIRE_MESSAGE(f.ok(), (f.ok() ? "" : f.error().message));
    fonts = std::move(f.value());
  }

  RgbaImage draw(const RenderView& view, uint32_t width, uint32_t height) {
    auto target = OffscreenTarget::create(*context, width, height);
    REQUIRE(target.ok());
    Status s = renderer->render(view, (*target)->info());
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message));
    auto image = (*target)->readback();
    REQUIRE(image.ok());
    return std::move(*image);
  }
};

RenderView emptyRoom(float aspect) {
  RenderView view;
  view.camera.position = {0.0F, 0.0F, 3.0F};
  view.camera.view = lookAt(view.camera.position, {0, 0, 0});
  view.camera.projection = perspective(0.8F, aspect, 0.1F, 20.0F);
  view.clearColor = {0.35F, 0.35F, 0.38F, 1.0F};  // a light grey room, unlike the dark UI
  return view;
}

}  // namespace

TEST_CASE("the overlay's windows appear where they are, with text, and nowhere else") {
  Fixture f;
  constexpr uint32_t kW = 960;
  constexpr uint32_t kH = 600;
  RenderView view = emptyRoom(static_cast<float>(kW) / kH);
  const RgbaImage before = f.draw(view, kW, kH);

  ui::UiContext context(*f.fonts);
  ui::OverlayResult result;
  for (int frame = 0; frame < 2; ++frame) {  // ImGui sizes auto-resizing windows on frame 2
    context.beginFrame({kW, kH}, 1.0F / 60.0F, ui::PointerInput{});
    result = ui::buildOverlay(sampleState(), {kW, kH});
    view.overlay = context.endFrame();
  }
  REQUIRE(result.windowRects.size() == 3);
  const RgbaImage after = f.draw(view, kW, kH);

  auto inside = [&](uint32_t x, uint32_t y, float margin) {
    for (const glm::vec4& r : result.windowRects) {
      if (x + 0.5F >= r.x - margin && x + 0.5F < r.z + margin && y + 0.5F >= r.y - margin &&
          y + 0.5F < r.w + margin) {
        return true;
      }
    }
    return false;
  };
  int changedOutside = 0;
  int changedInside = 0;
  int insideCount = 0;
  int brightText = 0;
  int orange = 0;
  for (uint32_t y = 0; y < kH; ++y) {
    for (uint32_t x = 0; x < kW; ++x) {
      const bool changed = !near(after.at(x, y), before.at(x, y), 0);
      // One pixel of slack: lavapipe's multisampled scissor (see test_ui_pass).
      if (!inside(x, y, 1.0F)) {
        changedOutside += changed ? 1 : 0;
      } else if (inside(x, y, -1.0F)) {
        ++insideCount;
        changedInside += changed ? 1 : 0;
        const glm::u8vec4 c = after.at(x, y);
        brightText += (c.r > 200 && c.g > 200 && c.b > 200) ? 1 : 0;
        orange += near(c, {230, 159, 0, 255}, 40) ? 1 : 0;
      }
    }
  }
  for (const glm::vec4& r : result.windowRects) {
    MESSAGE("window " << r.x << "," << r.y << " - " << r.z << "," << r.w);
    CHECK(r.z - r.x > 100.0F);
    CHECK(r.w - r.y > 40.0F);
  }
  CHECK(changedOutside == 0);
  CHECK(changedInside > insideCount * 9 / 10);  // dark plates over a light room
  CHECK(brightText > 500);                      // white text
  CHECK(orange > 20);                           // the expert's role colour
  // The room stays visible in the middle of the screen.
  CHECK(near(after.at(kW / 2, kH / 2), before.at(kW / 2, kH / 2), 0));
  test::requireNoValidationErrors(*f.context);
}

TEST_CASE("a ray that misses, or meets the back of a one-sided panel, is no hit") {
  const glm::mat4 model = glm::scale(glm::mat4(1.0F), {0.8F, 0.6F, 1.0F});
  const glm::vec2 size{400.0F, 300.0F};
  auto centre = ui::intersectPanel(model, size, {{0, 0, 2}, {0, 0, -1}});
  REQUIRE(centre);
  CHECK(centre->uv.x == doctest::Approx(0.5));
  CHECK(centre->pixel.y == doctest::Approx(150.0));
  CHECK(centre->distance == doctest::Approx(2.0));
  CHECK(centre->front);
  // Top-left as seen from the front: -x, +y.
  auto topLeft = ui::intersectPanel(model, size, {{-0.3F, 0.2F, 1}, {0, 0, -1}});
  REQUIRE(topLeft);
  CHECK(topLeft->pixel.x == doctest::Approx(50.0));
  CHECK(topLeft->pixel.y == doctest::Approx(50.0));
  // From behind, the same world point is the top-right of what that viewer sees.
  auto fromBehind = ui::intersectPanel(model, size, {{-0.3F, 0.2F, -1}, {0, 0, 1}});
  REQUIRE(fromBehind);
  CHECK_FALSE(fromBehind->front);
  CHECK(fromBehind->pixel.x == doctest::Approx(350.0));
  CHECK_FALSE(ui::intersectPanel(model, size, {{-0.3F, 0.2F, -1}, {0, 0, 1}}, false));
  CHECK_FALSE(ui::intersectPanel(model, size, {{0.5F, 0.0F, 1}, {0, 0, -1}}));  // beside
  CHECK_FALSE(ui::intersectPanel(model, size, {{0.0F, 0.0F, 1}, {0, 0, 1}}));   // away
  CHECK_FALSE(ui::intersectPanel(model, size, {{0.0F, 0.0F, 1}, {1, 0, 0}}));   // parallel
}

TEST_CASE("a laser pointer clicks the preset button it points at on an in-world panel") {
  Fixture f;
  // A 0.6 m x 0.75 m panel standing in the room, turned 30 degrees.
  const glm::vec2 size{320.0F, 400.0F};
  const glm::mat4 model = glm::translate(glm::mat4(1.0F), {0.5F, 1.4F, -1.0F}) *
                          glm::rotate(glm::mat4(1.0F), 0.52F, {0, 1, 0}) *
                          glm::scale(glm::mat4(1.0F), {0.6F, 0.75F, 1.0F});
  ui::WorldPanel panel(*f.fonts, size, model);
  ui::OverlayState state = sampleState();
  state.activePreset = 0;
  const glm::vec3 hand{0.2F, 1.2F, 0.5F};

  // Click = hover, press, release: ImGui buttons fire on release.
  auto clickAt = [&](glm::vec2 uv) {
    const glm::vec3 target = glm::vec3(model * glm::vec4(uv.x - 0.5F, 0.5F - uv.y, 0.0F, 1.0F));
    const ui::Ray ray{hand, target - hand};
    std::vector<ui::UiAction> actions;
    for (bool pressed : {false, true, false}) {
      panel.beginFrame(1.0F / 60.0F, ray, pressed);
      auto a = ui::buildHologramPanel(state, size);
      actions.insert(actions.end(), a.begin(), a.end());
      panel.endFrame();
    }
    return actions;
  };
  int lungClicks = 0;
  int wrongSide = 0;
  int emptyActions = 0;
  for (int row = 0; row < 40; ++row) {
    for (int col = 0; col < 8; ++col) {
      const glm::vec2 uv{(col + 0.5F) / 8.0F, (row + 0.5F) / 40.0F};
      for (const ui::UiAction& a : clickAt(uv)) {
        if (a.kind == ui::UiAction::Kind::SelectPreset && a.index == 1) {
          ++lungClicks;
          wrongSide += uv.x < 0.5F ? 1 : 0;  // "CT lung" is the right-hand button
          CHECK(panel.hit().has_value());
        }
      }
    }
  }
  // Pointing at nothing: no hover, no action.
  panel.beginFrame(1.0F / 60.0F, ui::Ray{hand, {0, 0, 1}}, true);
  emptyActions += static_cast<int>(ui::buildHologramPanel(state, size).size());
  panel.endFrame();
  CHECK_FALSE(panel.hit().has_value());
  MESSAGE("grid points that clicked CT lung: " << lungClicks);
  CHECK(lungClicks >= 2);
  CHECK(wrongSide == 0);
  CHECK(emptyActions == 0);

  // The panel itself renders: its UI texture appears in the room.
  RenderView view = emptyRoom(1.0F);
  view.camera.position = {0.5F, 1.4F, 1.0F};
  view.camera.view = lookAt(view.camera.position, {0.5F, 1.4F, -1.0F});
  panel.beginFrame(1.0F / 60.0F, std::nullopt, false);
  ui::buildHologramPanel(state, size);
  view.panels = {panel.endFrame()};
  const RgbaImage image = f.draw(view, 256, 256);
  CHECK_FALSE(near(image.at(128, 128), {150, 150, 155, 255}, 20));  // dark UI, not the grey room
  CHECK(near(image.at(2, 2), image.at(253, 2), 0));                 // corners: the room
  test::requireNoValidationErrors(*f.context);
}

TEST_CASE("a spectator's panel shows the controls but clicking them does nothing") {
  Fixture f;
  const glm::vec2 size{320.0F, 400.0F};
  ui::WorldPanel panel(*f.fonts, size, glm::mat4(1.0F));
  ui::OverlayState state = sampleState();
  state.canEdit = false;
  int actions = 0;
  for (int row = 0; row < 20; ++row) {
    for (int col = 0; col < 4; ++col) {
      const glm::vec2 uv{(col + 0.5F) / 4.0F, (row + 0.5F) / 20.0F};
      const ui::Ray ray{{uv.x - 0.5F, 0.5F - uv.y, 1.0F}, {0, 0, -1}};
      for (bool pressed : {false, true, false}) {
        panel.beginFrame(1.0F / 60.0F, ray, pressed);
        actions += static_cast<int>(ui::buildHologramPanel(state, size).size());
        panel.endFrame();
      }
    }
  }
  CHECK(actions == 0);
}

TEST_CASE("a label billboard faces the viewer from any side, upright, bottom on its anchor") {
  const glm::vec3 anchor{1.0F, 1.9F, 0.0F};
  for (const glm::vec3& viewer :
       {glm::vec3(1.0F, 1.7F, 3.0F), glm::vec3(1.0F, 1.7F, -3.0F), glm::vec3(-2.0F, 2.5F, 0.5F)}) {
    const glm::mat4 m = ui::billboard(anchor, 0.3F, 0.07F, viewer);
    const glm::vec3 normal = glm::normalize(glm::vec3(m[2]));
    CHECK(glm::dot(normal, glm::normalize(viewer - anchor)) == doctest::Approx(1.0F));
    CHECK(glm::vec3(m[1]).y > 0.0F);  // upright
    const glm::vec3 bottom = glm::vec3(m * glm::vec4(0.0F, -0.5F, 0.0F, 1.0F));
    CHECK(glm::distance(bottom, anchor) == doctest::Approx(0.0F).epsilon(1e-5));
    // The UI's left edge is on the viewer's left.
    const glm::vec3 left = glm::vec3(m * glm::vec4(-0.5F, 0.0F, 0.0F, 1.0F));
    const glm::vec3 right = glm::vec3(m * glm::vec4(0.5F, 0.0F, 0.0F, 1.0F));
    const glm::mat4 viewMatrix = lookAt(viewer, anchor);
    CHECK((viewMatrix * glm::vec4(left, 1.0F)).x < (viewMatrix * glm::vec4(right, 1.0F)).x);
  }
}

TEST_CASE("measurements read in millimetres with one decimal") {
  CHECK(ui::formatMillimetres(42.0F) == "42.0 mm");
  CHECK(ui::formatMillimetres(3.14159F) == "3.1 mm");
  CHECK(ui::formatMillimetres(0.0F) == "0.0 mm");
  CHECK(ui::formatMillimetres(120.25F) ==
        "120.2 mm");  // round half to even in binary: 120.25 exact
}

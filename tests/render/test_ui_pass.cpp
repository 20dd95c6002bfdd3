// The UI pass shows what a person expects: overlay rectangles exactly where
// their pixels say and nowhere else, clipped by their clip rectangles; a
// world panel's UI on its rectangle in the room, readable from the front and
// (double-sided) from the back, hidden behind what stands in front of it.
#include <doctest/doctest.h>

#include <cmath>
#include <glm/gtc/matrix_transform.hpp>
#include <vector>

#include "medverse/assets/primitives.h"
#include "medverse/render/camera.h"
#include "medverse/render/offscreen_target.h"
#include "medverse/render/renderer.h"
#include "render_test_support.h"

using namespace medverse;
using namespace medverse::render;

namespace {

constexpr uint32_t kSize = 256;
constexpr uint32_t kRed = 0xFF0000FFU;    // IM_COL32(255, 0, 0, 255): red in the low byte
constexpr uint32_t kGreen = 0xFF00FF00U;  // IM_COL32(0, 255, 0, 255)

bool near(glm::u8vec4 a, glm::u8vec4 b, int tolerance) {
  return std::abs(a.r - b.r) <= tolerance && std::abs(a.g - b.g) <= tolerance &&
         std::abs(a.b - b.b) <= tolerance;
}

// Appends an axis-aligned rectangle as one draw command.
void addRect(UiDrawData& ui, UiTextureHandle texture, glm::vec2 p0, glm::vec2 p1, uint32_t color,
             glm::vec4 clip) {
  const auto base = static_cast<uint32_t>(ui.vertices.size());
  const auto first = static_cast<uint32_t>(ui.indices.size());
  ui.vertices.push_back({p0, {0, 0}, color});
  ui.vertices.push_back({{p1.x, p0.y}, {1, 0}, color});
  ui.vertices.push_back({p1, {1, 1}, color});
  ui.vertices.push_back({{p0.x, p1.y}, {0, 1}, color});
  for (uint32_t i : {0U, 1U, 2U, 0U, 2U, 3U}) {
    ui.indices.push_back(i);
  }
  UiDrawCommand cmd;
  cmd.clipRect = clip;
  cmd.texture = texture;
  cmd.indexOffset = first;
  cmd.indexCount = 6;
  cmd.vertexOffset = base;
  ui.commands.push_back(cmd);
}

struct Scene {
  std::unique_ptr<Context> context = test::makeContext();
  std::unique_ptr<Renderer> renderer;
  UiTextureHandle white;
  RenderView view;

  Scene() {
    auto r = Renderer::create(*context);
    REQUIRE(r.ok());
    renderer = std::move(r.value());
    const std::vector<uint8_t> pixel{255, 255, 255, 255};
    auto t = renderer->uploadUiTexture(1, 1, pixel);
    REQUIRE(t.ok());
    white = *t;
    lookFrom({0.0F, 0.0F, 3.0F});
    view.clearColor = {0.0F, 0.0F, 0.2F, 1.0F};
  }

  void lookFrom(glm::vec3 eye) {
    view.camera.position = eye;
    view.camera.view = lookAt(eye, {0, 0, 0});
    view.camera.projection = perspective(0.8F, 1.0F, 0.1F, 20.0F);
  }

  [[nodiscard]] glm::vec2 project(glm::vec3 world) const {
    glm::vec4 clip = view.camera.projection * view.camera.view * glm::vec4(world, 1.0F);
    glm::vec2 ndc = glm::vec2(clip) / clip.w;
    return (ndc * 0.5F + 0.5F) * static_cast<float>(kSize);
  }

  RgbaImage draw(VkSampleCountFlagBits samples = VK_SAMPLE_COUNT_4_BIT) {
    auto target = OffscreenTarget::create(*context, kSize, kSize, samples);
    REQUIRE(target.ok());
    Status s = renderer->render(view, (*target)->info());
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message));
    auto image = (*target)->readback();
    REQUIRE(image.ok());
    return std::move(*image);
  }
};

// A panel UI of 128x64 pixels: left half red, right half green.
UiDrawData splitPanelUi(UiTextureHandle white) {
  UiDrawData ui;
  ui.displaySize = {128.0F, 64.0F};
  const glm::vec4 all{0, 0, 128, 64};
  addRect(ui, white, {0, 0}, {64, 64}, kRed, all);
  addRect(ui, white, {64, 0}, {128, 64}, kGreen, all);
  return ui;
}

}  // namespace

TEST_CASE("the overlay draws its rectangles exactly where they are and nowhere else") {
  Scene scene;
  for (VkSampleCountFlagBits samples : {VK_SAMPLE_COUNT_1_BIT, VK_SAMPLE_COUNT_4_BIT}) {
    CAPTURE(samples);
    scene.view.overlay = {};
    const RgbaImage before = scene.draw(samples);
    UiDrawData& ui = scene.view.overlay;
    ui.displaySize = {kSize, kSize};
    const glm::vec4 screen{0, 0, kSize, kSize};
    addRect(ui, scene.white, {40, 60}, {140, 120}, kRed, screen);
    // A rectangle covering the whole screen, clipped to a small square.
    addRect(ui, scene.white, {0, 0}, {kSize, kSize}, kGreen, {180, 180, 220, 220});
    const RgbaImage after = scene.draw(samples);

    int changedOutside = 0;
    int wrongInside = 0;
    for (uint32_t y = 0; y < kSize; ++y) {
      for (uint32_t x = 0; x < kSize; ++x) {
        const bool inRed = x >= 40 && x < 140 && y >= 60 && y < 120;
        const bool inGreen = x >= 180 && x < 220 && y >= 180 && y < 220;
        // Lavapipe's multisampled scissor lets one row and column of pixels
        // just above and left of the clip rectangle through; single-sampled
        // it is exact.
        const bool clipEdge =
            samples != VK_SAMPLE_COUNT_1_BIT && x >= 179 && x < 221 && y >= 179 && y < 221;
        if (inRed) {
          wrongInside += near(after.at(x, y), {255, 0, 0, 255}, 1) ? 0 : 1;
        } else if (inGreen) {
          wrongInside += near(after.at(x, y), {0, 255, 0, 255}, 1) ? 0 : 1;
        } else if (!clipEdge && !near(after.at(x, y), before.at(x, y), 0)) {
          if (changedOutside < 5) {
            MESSAGE("changed at " << x << "," << y);
          }
          ++changedOutside;
        }
      }
    }
    CHECK(wrongInside == 0);
    CHECK(changedOutside == 0);
  }
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("overlay colours keep their sRGB values and blend by alpha over the scene") {
  Scene scene;
  UiDrawData& ui = scene.view.overlay;
  ui.displaySize = {kSize, kSize};
  const glm::vec4 screen{0, 0, kSize, kSize};
  addRect(ui, scene.white, {0, 0}, {100, 100}, 0xFF336699U, screen);      // sRGB (0x99, 0x66, 0x33)
  addRect(ui, scene.white, {150, 150}, {250, 250}, 0x80FFFFFFU, screen);  // half-transparent white
  const RgbaImage image = scene.draw();
  CHECK(near(image.at(50, 50), {0x99, 0x66, 0x33, 255}, 1));
  const glm::u8vec4 background = image.at(120, 120);
  const glm::u8vec4 veiled = image.at(200, 200);
  // Half white over dark blue: clearly lighter, but not white.
  CHECK(veiled.r > background.r + 100);
  CHECK(veiled.r < 250);
  CHECK(veiled.b > background.b);
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("an overlay laid out at half resolution is scaled to the whole target") {
  Scene scene;
  UiDrawData& ui = scene.view.overlay;
  ui.displaySize = {kSize / 2.0F, kSize / 2.0F};
  addRect(ui, scene.white, {10, 10}, {30, 30}, kRed, {0, 0, kSize / 2.0F, kSize / 2.0F});
  const RgbaImage image = scene.draw();
  CHECK(near(image.at(25, 25), {255, 0, 0, 255}, 1));
  CHECK(near(image.at(55, 55), {255, 0, 0, 255}, 1));
  CHECK_FALSE(near(image.at(65, 65), {255, 0, 0, 255}, 30));
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("a world panel shows its UI texture where its rectangle projects") {
  Scene scene;
  UiPanel panel;
  panel.ui = splitPanelUi(scene.white);
  panel.model = glm::scale(glm::mat4(1.0F), {1.0F, 0.5F, 1.0F});  // 1 m x 0.5 m at the origin
  scene.view.panels = {panel};

  SUBCASE("from the front: red on the left, green on the right, background around it") {
    const RgbaImage image = scene.draw();
    const glm::vec2 left = scene.project({-0.25F, 0.0F, 0.0F});
    const glm::vec2 right = scene.project({0.25F, 0.0F, 0.0F});
    const glm::vec2 above = scene.project({0.0F, 0.4F, 0.0F});
    const glm::vec2 beside = scene.project({0.65F, 0.0F, 0.0F});
    CHECK(near(image.at(left.x, left.y), {255, 0, 0, 255}, 2));
    CHECK(near(image.at(right.x, right.y), {0, 255, 0, 255}, 2));
    CHECK(near(image.at(above.x, above.y), image.at(0, 0), 0));
    CHECK(near(image.at(beside.x, beside.y), image.at(0, 0), 0));
    // The panel's top edge projects where the rectangle's top edge is.
    const glm::vec2 topEdge = scene.project({-0.25F, 0.25F, 0.0F});
    CHECK(near(image.at(topEdge.x, topEdge.y + 2), {255, 0, 0, 255}, 2));
    CHECK(near(image.at(topEdge.x, topEdge.y - 2), image.at(0, 0), 0));
  }
  SUBCASE("double-sided, from behind: it still reads left to right") {
    scene.lookFrom({0.0F, 0.0F, -3.0F});
    const RgbaImage image = scene.draw();
    // Seen from -Z, world -X is on the right of the screen.
    const glm::vec2 screenLeft = scene.project({0.25F, 0.0F, 0.0F});
    const glm::vec2 screenRight = scene.project({-0.25F, 0.0F, 0.0F});
    REQUIRE(screenLeft.x < screenRight.x);
    CHECK(near(image.at(screenLeft.x, screenLeft.y), {255, 0, 0, 255}, 2));
    CHECK(near(image.at(screenRight.x, screenRight.y), {0, 255, 0, 255}, 2));
  }
  SUBCASE("one-sided, from behind: nothing") {
    scene.view.panels[0].doubleSided = false;
    scene.lookFrom({0.0F, 0.0F, -3.0F});
    const RgbaImage image = scene.draw();
    const glm::vec2 centre = scene.project({0.0F, 0.0F, 0.0F});
    CHECK(near(image.at(centre.x, centre.y), image.at(0, 0), 0));
  }
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("a world panel is hidden by an opaque object in front of it, and covers one behind") {
  Scene scene;
  auto box = scene.renderer->uploadMesh(assets::makeBox({0.2F, 0.2F, 0.2F}));
  REQUIRE(box.ok());
  MeshInstance front;
  front.mesh = *box;
  front.model = glm::translate(glm::mat4(1.0F), {-0.25F, 0.0F, 0.5F});
  front.material.baseColor = {1.0F, 1.0F, 1.0F, 1.0F};
  front.material.emissive = {0.0F, 0.0F, 0.0F};
  MeshInstance behind = front;
  behind.model = glm::translate(glm::mat4(1.0F), {0.25F, 0.0F, -0.5F});
  scene.view.meshes = {front, behind};
  scene.view.skyAmbient = scene.view.groundAmbient = glm::vec3(1.0F);
  UiPanel panel;
  panel.ui = splitPanelUi(scene.white);
  panel.model = glm::scale(glm::mat4(1.0F), {1.0F, 0.5F, 1.0F});
  scene.view.panels = {panel};
  const RgbaImage image = scene.draw();
  const glm::vec2 frontBox = scene.project({-0.25F, 0.0F, 0.5F});
  const glm::vec2 behindBox = scene.project({0.25F, 0.0F, -0.5F});
  const glm::u8vec4 a = image.at(frontBox.x, frontBox.y);
  const glm::u8vec4 b = image.at(behindBox.x, behindBox.y);
  CHECK(std::abs(a.r - a.g) < 10);      // grey box, not the red half
  CHECK(near(b, {0, 255, 0, 255}, 2));  // the green half, not the box
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("several panels of different sizes each show their own UI") {
  Scene scene;
  UiPanel red;
  red.ui.displaySize = {300.0F, 40.0F};
  addRect(red.ui, scene.white, {0, 0}, {300, 40}, kRed, {0, 0, 300, 40});
  red.model = glm::translate(glm::mat4(1.0F), {0.0F, 0.5F, 0.0F}) *
              glm::scale(glm::mat4(1.0F), {1.5F, 0.2F, 1.0F});
  UiPanel green;
  green.ui.displaySize = {50.0F, 50.0F};
  addRect(green.ui, scene.white, {0, 0}, {50, 50}, kGreen, {0, 0, 50, 50});
  green.model = glm::translate(glm::mat4(1.0F), {0.0F, -0.5F, 0.0F}) *
                glm::scale(glm::mat4(1.0F), {0.4F, 0.4F, 1.0F});
  scene.view.panels = {red, green};
  for (int frame = 0; frame < 2; ++frame) {  // the second frame reuses the textures
    const RgbaImage image = scene.draw();
    const glm::vec2 r = scene.project({0.6F, 0.5F, 0.0F});
    const glm::vec2 g = scene.project({0.0F, -0.5F, 0.0F});
    CHECK(near(image.at(r.x, r.y), {255, 0, 0, 255}, 2));
    CHECK(near(image.at(g.x, g.y), {0, 255, 0, 255}, 2));
    // Same places, other order: each slot's texture now holds the other UI.
    std::swap(scene.view.panels[0], scene.view.panels[1]);
  }
  test::requireNoValidationErrors(*scene.context);
}

TEST_CASE("bad UI data is an error naming what is wrong, not a crash") {
  Scene scene;
  auto target = OffscreenTarget::create(*scene.context, 64, 64);
  REQUIRE(target.ok());
  SUBCASE("a texture that was never uploaded") {
    addRect(scene.view.overlay, UiTextureHandle{7}, {0, 0}, {10, 10}, kRed, {0, 0, 64, 64});
    scene.view.overlay.displaySize = {64, 64};
    Status s = scene.renderer->render(scene.view, (*target)->info());
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message.find("texture 7") != std::string::npos);
  }
  SUBCASE("an index past the vertices") {
    addRect(scene.view.overlay, scene.white, {0, 0}, {10, 10}, kRed, {0, 0, 64, 64});
    scene.view.overlay.displaySize = {64, 64};
    scene.view.overlay.indices[2] = 99;
    Status s = scene.renderer->render(scene.view, (*target)->info());
    REQUIRE_FALSE(s.ok());
    CHECK(s.error().message.find("vertex 99") != std::string::npos);
  }
  SUBCASE("a texture upload with the wrong number of bytes") {
    const std::vector<uint8_t> three(3);
    auto t = scene.renderer->uploadUiTexture(1, 1, three);
    REQUIRE_FALSE(t.ok());
    CHECK(t.error().message.find("4 bytes") != std::string::npos);
  }
  test::requireNoValidationErrors(*scene.context);
}

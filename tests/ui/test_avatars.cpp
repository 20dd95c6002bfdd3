// The people in the room as another participant sees them: a head in its
// role's colour, a name tag above it that reads from the front and from
// behind, a laser pointer whose hit marker sits where it points, and a
// measurement with its length in millimetres.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>
#include <cstdlib>
#include <glm/gtc/matrix_transform.hpp>
#include <string>

#include "../render/render_test_support.h"
#include "medverse/app/avatar_visuals.h"
#include "medverse/assets/primitives.h"
#include "medverse/render/camera.h"
#include "medverse/render/offscreen_target.h"
#include "medverse/render/renderer.h"
#include "medverse/ui/labels.h"
#include "medverse/ui/ui_context.h"

using namespace medverse;
using namespace medverse::render;
using app::AvatarState;
using net::Role;

namespace {

constexpr uint32_t kW = 320;
constexpr uint32_t kH = 320;
const glm::quat kFacingPlusZ = glm::angleAxis(3.14159265F, glm::vec3(0, 1, 0));

float luminance(glm::u8vec4 c) {
  return 0.2126F * c.r + 0.7152F * c.g + 0.0722F * c.b;
}

// Hue in degrees and saturation of an sRGB colour.
glm::vec2 hueSaturation(glm::vec3 c) {
  const float mx = std::max({c.r, c.g, c.b});
  const float mn = std::min({c.r, c.g, c.b});
  const float d = mx - mn;
  if (mx <= 0.0F || d <= 0.0F) {
    return {0.0F, 0.0F};
  }
  float h = 0.0F;
  if (mx == c.r) {
    h = 60.0F * std::fmod((c.g - c.b) / d + 6.0F, 6.0F);
  } else if (mx == c.g) {
    h = 60.0F * ((c.b - c.r) / d + 2.0F);
  } else {
    h = 60.0F * ((c.r - c.g) / d + 4.0F);
  }
  return {h, d / mx};
}

// The role whose palette hue is nearest, or nothing for greys and darks.
std::optional<Role> nearestRole(glm::u8vec4 pixel) {
  const glm::vec2 hs = hueSaturation(glm::vec3(pixel) / 255.0F);
  if (hs.y < 0.15F || std::max({pixel.r, pixel.g, pixel.b}) < 40) {
    return std::nullopt;
  }
  std::optional<Role> best;
  float bestDistance = 1e9F;
  for (Role r : {Role::Expert, Role::Doctor, Role::Trainee, Role::Spectator}) {
    const float hue = hueSaturation(app::roleColorSrgb(r)).x;
    float d = std::abs(hue - hs.x);
    d = std::min(d, 360.0F - d);
    if (d < bestDistance) {
      bestDistance = d;
      best = r;
    }
  }
  return best;
}

struct People {
  std::unique_ptr<Context> context = test::makeContext();
  std::unique_ptr<Renderer> renderer;
  std::unique_ptr<ui::UiFonts> fonts;
  std::optional<app::AvatarVisuals> visuals;
  std::unique_ptr<ui::LabelBuilder> labels;
  RenderView view;

  People() {
    auto r = Renderer::create(*context);
    REQUIRE(r.ok());
    renderer = std::move(r.value());
    auto f = ui::UiFonts::create(*renderer);
    REQUIRE(f.ok());
    fonts = std::move(f.value());
    auto v = app::AvatarVisuals::create(*renderer);
    REQUIRE(v.ok());
    visuals = *v;
    labels = std::make_unique<ui::LabelBuilder>(*fonts);
    Light key;
    key.direction = {-0.3F, -0.6F, -1.0F};
    key.intensity = 1.2F;
    view.lights = {key};
    view.skyAmbient = glm::vec3(0.25F);
    view.groundAmbient = glm::vec3(0.15F);
    view.clearColor = {0.12F, 0.12F, 0.13F, 1.0F};
    lookFrom({0.0F, 1.75F, 2.5F}, {0.0F, 1.65F, 0.0F});
  }

  void lookFrom(glm::vec3 eye, glm::vec3 target) {
    view.camera.position = eye;
    view.camera.view = lookAt(eye, target);
    view.camera.projection = perspective(0.6F, static_cast<float>(kW) / kH, 0.05F, 30.0F);
  }

  [[nodiscard]] glm::vec2 project(glm::vec3 world) const {
    glm::vec4 clip = view.camera.projection * view.camera.view * glm::vec4(world, 1.0F);
    return (glm::vec2(clip) / clip.w * 0.5F + 0.5F) * glm::vec2(kW, kH);
  }

  RgbaImage draw(const app::PeopleVisuals& people, std::vector<MeshInstance> extra = {}) {
    view.meshes = std::move(extra);
    view.meshes.insert(view.meshes.end(), people.meshes.begin(), people.meshes.end());
    view.panels = labels->build(people.labels, view.camera.position);
    auto target = OffscreenTarget::create(*context, kW, kH);
    REQUIRE(target.ok());
    Status s = renderer->render(view, (*target)->info());
    REQUIRE_MESSAGE(s.ok(), (s.ok() ? "" : s.error().message));
    auto image = (*target)->readback();
    REQUIRE(image.ok());
    if (const char* dir = std::getenv("MEDVERSE_TEST_PNG_DIR")) {  // for looking at by eye
      static int n = 0;
      (void)writePng(std::string(dir) + "/people_" + std::to_string(n++) + ".png", *image);
    }
    return std::move(*image);
  }
};

AvatarState standing(Role role, std::string name) {
  AvatarState a;
  a.name = std::move(name);
  a.role = role;
  a.head.position = {0.0F, 1.65F, 0.0F};
  a.head.orientation = kFacingPlusZ;
  a.leftHand.pose.position = {-0.25F, 1.15F, 0.2F};
  a.rightHand.pose.position = {0.25F, 1.15F, 0.2F};
  return a;
}

}  // namespace

TEST_CASE("an avatar's role colour dominates the pixels where its head is") {
  People p;
  p.lookFrom({0.7F, 1.75F, 1.8F}, {0.0F, 1.65F, 0.0F});  // three-quarter view, visor in sight
  for (Role role : {Role::Expert, Role::Doctor, Role::Trainee, Role::Spectator}) {
    CAPTURE(net::roleName(role));
    app::PeopleVisuals people;
    p.visuals->addAvatar(standing(role, "Someone"), people);
    const RgbaImage image = p.draw(people);
    const glm::vec2 centre = p.project({0.0F, 1.65F, 0.0F});
    const float radius = glm::distance(centre, p.project(glm::vec3(0.0F, 1.65F + 0.095F, 0.0F)));
    int inDisk = 0;
    int matching = 0;
    for (int y = static_cast<int>(centre.y - radius); y <= static_cast<int>(centre.y + radius);
         ++y) {
      for (int x = static_cast<int>(centre.x - radius); x <= static_cast<int>(centre.x + radius);
           ++x) {
        if (glm::distance(glm::vec2(x + 0.5F, y + 0.5F), centre) > 0.85F * radius) {
          continue;
        }
        ++inDisk;
        matching += nearestRole(image.at(x, y)) == role ? 1 : 0;
      }
    }
    MESSAGE(net::roleName(role) << ": " << matching << " of " << inDisk << " head pixels");
    CHECK(inDisk > 300);
    CHECK(matching > inDisk / 2);
  }
  test::requireNoValidationErrors(*p.context);
}

TEST_CASE(
    "a name tag stands above the head, contrasts with the room, and reads from front and back") {
  People p;
  AvatarState avatar = standing(Role::Doctor, "Dr. Weber");
  app::PeopleVisuals withLabel;
  p.visuals->addAvatar(avatar, withLabel);
  avatar.showLabel = false;
  app::PeopleVisuals without;
  p.visuals->addAvatar(avatar, without);
  REQUIRE(withLabel.labels.size() == 1);
  CHECK(withLabel.labels[0].text == "Dr. Weber \xC2\xB7 doctor");

  struct Crop {
    int x0 = kW, y0 = kH, x1 = -1, y1 = -1;
    int changed = 0;
  };
  std::vector<RgbaImage> crops;
  for (float side : {1.0F, -1.0F}) {
    CAPTURE(side);
    p.lookFrom({0.0F, 1.75F, 2.5F * side}, {0.0F, 1.7F, 0.0F});
    const RgbaImage a = p.draw(withLabel);
    const RgbaImage b = p.draw(without);
    Crop box;
    int bright = 0;
    int dark = 0;
    for (uint32_t y = 0; y < kH; ++y) {
      for (uint32_t x = 0; x < kW; ++x) {
        if (std::abs(luminance(a.at(x, y)) - luminance(b.at(x, y))) > 4.0F) {
          ++box.changed;
          box.x0 = std::min<int>(box.x0, x);
          box.x1 = std::max<int>(box.x1, x);
          box.y0 = std::min<int>(box.y0, y);
          box.y1 = std::max<int>(box.y1, y);
          bright += luminance(a.at(x, y)) > 200.0F ? 1 : 0;
          dark += luminance(a.at(x, y)) < 45.0F ? 1 : 0;
        }
      }
    }
    const glm::vec2 head = p.project({0.0F, 1.65F, 0.0F});
    const glm::vec2 headTop = p.project({0.0F, 1.65F + 0.115F, 0.0F});
    MESSAGE("label box " << box.x0 << "," << box.y0 << " - " << box.x1 << "," << box.y1
                         << " changed " << box.changed << " bright " << bright);
    REQUIRE(box.changed > 300);
    CHECK(std::abs((box.x0 + box.x1) / 2.0F - head.x) < 4.0F);  // centred over the head
    CHECK(box.y1 < headTop.y);                                  // above it
    CHECK(box.x1 - box.x0 > 60);                                // facing us, not edge-on
    CHECK(bright > 60);                                         // white letters...
    CHECK(dark > 300);                                          // ...on a dark plate
    RgbaImage crop;
    crop.width = 100;
    crop.height = 20;
    for (uint32_t y = 0; y < crop.height; ++y) {
      for (uint32_t x = 0; x < crop.width; ++x) {
        const glm::u8vec4 c = a.at(box.x0 + x, box.y0 + y);
        crop.pixels.insert(crop.pixels.end(), {c.r, c.g, c.b, c.a});
      }
    }
    crops.push_back(std::move(crop));
  }
  // From behind, the tag turns to face the viewer: the same image as from the
  // front, not its mirror image.
  double same = 0;
  double mirrored = 0;
  for (uint32_t y = 0; y < 20; ++y) {
    for (uint32_t x = 0; x < 100; ++x) {
      same += std::abs(luminance(crops[0].at(x, y)) - luminance(crops[1].at(x, y)));
      mirrored += std::abs(luminance(crops[0].at(x, y)) - luminance(crops[1].at(99 - x, y)));
    }
  }
  MESSAGE("difference front/back " << same << ", front/mirrored back " << mirrored);
  CHECK(same < 0.25 * mirrored);
  test::requireNoValidationErrors(*p.context);
}

TEST_CASE("a laser pointer's hit marker appears where the beam meets the wall") {
  People p;
  p.lookFrom({0.0F, 1.6F, 2.5F}, {0.0F, 1.4F, -1.0F});
  auto wallMesh = p.renderer->uploadMesh(assets::makeBox({4.0F, 3.0F, 0.1F}));
  REQUIRE(wallMesh.ok());
  MeshInstance wall;
  wall.mesh = *wallMesh;
  wall.model = glm::translate(glm::mat4(1.0F), {0.0F, 1.5F, -1.5F});
  wall.material.baseColor = {0.3F, 0.31F, 0.33F, 1.0F};
  const glm::vec3 hit{-0.4F, 1.3F, -1.45F};

  AvatarState avatar = standing(Role::Expert, "Dr. Okafor");
  avatar.head.position = {0.6F, 1.65F, 0.4F};
  avatar.head.orientation = glm::quat(1, 0, 0, 0);  // facing the wall (-Z)
  avatar.rightHand.pose.position = {0.8F, 1.25F, 0.2F};
  avatar.pointer.active = true;
  avatar.pointer.direction = hit - (avatar.rightHand.pose.position + glm::vec3(0, 0, -0.07F));
  avatar.pointer.hit = hit;
  app::PeopleVisuals pointing;
  p.visuals->addAvatar(avatar, pointing);
  avatar.pointer.active = false;
  app::PeopleVisuals idle;
  p.visuals->addAvatar(avatar, idle);

  const RgbaImage on = p.draw(pointing, {wall});
  const RgbaImage off = p.draw(idle, {wall});
  const glm::vec2 marker = p.project(hit);
  const glm::u8vec4 at = on.at(marker.x, marker.y);
  MESSAGE("marker pixel " << int(at.r) << "," << int(at.g) << "," << int(at.b));
  CHECK(luminance(at) > 200.0F);
  CHECK(luminance(at) > luminance(off.at(marker.x, marker.y)) + 30.0F);
  // The halo around it carries the expert's orange.
  const glm::u8vec4 halo = on.at(marker.x + 4, marker.y + 1);
  CHECK(nearestRole(halo) == Role::Expert);
  // Away from the marker and the beam the wall is untouched.
  const glm::vec2 elsewhere = p.project({-1.2F, 2.2F, -1.45F});
  CHECK(on.at(elsewhere.x, elsewhere.y) == off.at(elsewhere.x, elsewhere.y));
  // The beam is visible halfway along.
  const glm::vec3 origin = avatar.rightHand.pose.position + glm::vec3(0, 0, -0.07F);
  const glm::vec2 middle = p.project((origin + hit) * 0.5F);
  CHECK(luminance(on.at(middle.x, middle.y)) > luminance(off.at(middle.x, middle.y)) + 20.0F);
  test::requireNoValidationErrors(*p.context);
}

TEST_CASE("a measurement reads its length in millimetres and shows the label at its middle") {
  CHECK(app::measurementText({0, 0, 0}, {42, 0, 0}) == "42.0 mm");
  CHECK(app::measurementText({10, 20, 30}, {13, 24, 30}) == "5.0 mm");
  CHECK(app::measurementText({-5, -5, -5}, {-5, -5, -5}) == "0.0 mm");

  People p;
  p.lookFrom({0.0F, 1.35F, 0.8F}, {0.0F, 1.2F, 0.0F});
  // Patient millimetres to room metres, centred 1.2 m up.
  const glm::mat4 patientToWorld = glm::translate(glm::mat4(1.0F), {0.0F, 1.2F, 0.0F}) *
                                   glm::scale(glm::mat4(1.0F), glm::vec3(0.001F));
  app::Measurement m{{-21.0F, 0.0F, 0.0F}, {21.0F, 0.0F, 0.0F}, Role::Doctor};
  app::PeopleVisuals measured;
  p.visuals->addMeasurement(m, patientToWorld, measured);
  REQUIRE(measured.labels.size() == 1);
  CHECK(measured.labels[0].text == "42.0 mm");
  app::PeopleVisuals unlabelled = measured;
  unlabelled.labels.clear();
  const RgbaImage a = p.draw(measured);
  const RgbaImage b = p.draw(unlabelled);
  const glm::vec2 labelCentre = p.project({0.0F, 1.2F + 0.02F + 0.0225F, 0.0F});
  int changed = 0;
  int bright = 0;
  for (int y = static_cast<int>(labelCentre.y) - 12; y <= static_cast<int>(labelCentre.y) + 12;
       ++y) {
    for (int x = static_cast<int>(labelCentre.x) - 40; x <= static_cast<int>(labelCentre.x) + 40;
         ++x) {
      changed += a.at(x, y) != b.at(x, y) ? 1 : 0;
      bright += luminance(a.at(x, y)) > 200.0F ? 1 : 0;
    }
  }
  MESSAGE("label pixels changed " << changed << ", bright " << bright);
  CHECK(changed > 800);
  CHECK(bright > 40);
  // The line itself: bright at a quarter of the way along.
  const glm::vec2 quarter = p.project({-0.0105F, 1.2F, 0.0F});
  CHECK(luminance(b.at(quarter.x, quarter.y)) > 150.0F);
  test::requireNoValidationErrors(*p.context);
}

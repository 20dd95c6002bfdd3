// The hologram panel in the XR consult room, through the loader and xrsim
// with both validation layers on: the headset user's right laser points at
// the panel's "CT bone" button and the trigger presses it. The room's
// server changes the hologram's transfer function, no pin is dropped on the
// hologram behind the panel, and the eye shows the panel with the laser
// ending on it.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>
#include <sstream>

#include "../render/render_test_support.h"
#include "medverse/app/case_scene.h"
#include "medverse/app/consult_session.h"
#include "medverse/app/consult_view.h"
#include "medverse/app/xr_mode.h"
#include "medverse/app/xr_panel.h"
#include "medverse/assets/room.h"
#include "medverse/net/role.h"
#include "medverse/render/image_io.h"
#include "medverse/render/renderer.h"
#include "medverse/ui/ui_context.h"
#include "medverse/world/components.h"
#include "xr_consult_support.h"
#include "xr_test_support.h"

namespace medverse::test {
namespace {

// xrsim's "euler_deg" [pitch, yaw, roll]: yaw about +Y, then pitch about +X,
// looking down -Z at zero.
glm::vec2 pitchYawDeg(const glm::vec3& direction) {
  const glm::vec3 d = glm::normalize(direction);
  return {glm::degrees(std::asin(d.y)), glm::degrees(std::atan2(-d.x, -d.z))};
}

glm::quat fromPitchYaw(glm::vec2 deg) {
  return glm::angleAxis(glm::radians(deg.y), glm::vec3(0, 1, 0)) *
         glm::angleAxis(glm::radians(deg.x), glm::vec3(1, 0, 0));
}

std::string json(const glm::vec3& v) {
  std::ostringstream s;
  s << "[" << v.x << ", " << v.y << ", " << v.z << "]";
  return s.str();
}

std::string json(glm::vec2 pitchYaw) {
  std::ostringstream s;
  s << "[" << pitchYaw.x << ", " << pitchYaw.y << ", 0]";
  return s.str();
}

// The panel's window (ui_style.cpp: a background of 0.07, 0.09, 0.11 with
// dark blue-grey widgets): darker than anything lit in the room around it
// (white walls, the slate table top).
bool panelDark(const glm::u8vec4& p) {
  return p.r < 100 && p.g < 100 && p.b < 110;
}

// A scripted press on the panel's "CT bone" button in a room hosted by a
// participant of `role`.
struct PanelPress {
  std::filesystem::path dir;
  assets::Room room = assets::buildConsultRoom();
  glm::vec3 button{0.0F};  // the button's centre in the room
  glm::vec3 hand{0.0F};
  glm::vec3 headPos{0.0F};
  glm::vec2 look{0.0F};
  std::unique_ptr<app::ConsultSession> session;
};

PanelPress pressCtBone(const std::string& name, net::Role role) {
  PanelPress run;
  const assets::Room& room = run.room;
  // Where the button is: the panel laid out as the XR client lays it out
  // (same fonts, same presets), standing where the client places it.
  glm::vec3& button = run.button;
  {
    std::unique_ptr<render::Context> context = makeContext();
    auto renderer = render::Renderer::create(*context);
    REQUIRE(renderer.ok());
    auto fonts = ui::UiFonts::create(**renderer);
    REQUIRE_MESSAGE(fonts.ok(), (fonts.ok() ? "" : fonts.error().message));
    app::XrHologramPanel panel(**fonts, room);
    ui::OverlayState state;
    state.presets = app::consultPresetNames();
    state.activePreset = 0;
    (void)panel.update(state, std::nullopt, false, 1.0F / 72.0F);
    REQUIRE(panel.layout().presetButtons.size() == state.presets.size());
    REQUIRE(state.presets[1] == "CT bone");
    const glm::vec4 r = panel.layout().presetButtons[1];
    button = panel.pointAt({0.5F * (r.x + r.z), 0.5F * (r.y + r.w)});
    CHECK(glm::distance(panel.pointAt({0, 0}), glm::vec3(app::XrHologramPanel::placement(room) *
                                                         glm::vec4(-0.5F, 0.5F, 0.0F, 1.0F))) <
          1e-5F);
    requireNoValidationErrors(*context);
  }
  // The hand stands on the line from the hologram's centre through the
  // button, 35 cm beyond it: its laser meets the button first, then would
  // go on into the hologram (a pin, were the panel not there).
  const glm::vec3 centre = room.hologramAnchor;
  glm::vec3& hand = run.hand;
  hand = button + 0.35F * glm::normalize(button - centre);
  const glm::vec2 aim = pitchYawDeg(centre - hand);
  // The user stands 70 cm in front of the panel (it faces the room's
  // viewpoint), looking at it and a little towards the hand.
  const glm::mat4 model = app::XrHologramPanel::placement(room);
  const glm::vec3 panelCentre = glm::vec3(model[3]);
  glm::vec3& headPos = run.headPos;
  headPos = panelCentre + 0.7F * glm::normalize(glm::vec3(model[2]));
  glm::vec2& look = run.look;
  look = pitchYawDeg(panelCentre + 0.3F * (hand - panelCentre) - headPos);
  INFO("button at " << json(button) << ", hand at " << json(hand));

  run.dir = freshXrDir(name);
  const std::filesystem::path& dir = run.dir;
  const std::filesystem::path validation = useXrValidationFile(dir);
  setEnv("MEDVERSE_XRSIM_CAPTURE", (dir / "capture").string());
  // Aimed from frame 0; the trigger is pulled at frame 10 and let go at 14
  // (ImGui's button fires on the release over it).
  std::ofstream(dir / "script.json")
      << R"({"hmd": {"eye_size": [192, 192], "fov_deg": [-45, 45, 45, -45]},
      "head": [{"frame": 0, "position": )"
      << json(headPos) << R"(, "euler_deg": )" << json(look) << R"(}],
      "right": [{"frame": 0, "grip": {"position": )"
      << json(hand) << R"(, "euler_deg": )" << json(aim) << R"(},
                 "aim": {"position": )"
      << json(hand) << R"(, "euler_deg": )" << json(aim) << R"(}},
                {"frame": 10, "buttons": {"trigger": 1.0}},
                {"frame": 14, "buttons": {"trigger": 0.0}}],
      "capture": [8]})";
  setEnv("MEDVERSE_XRSIM_SCRIPT", (dir / "script.json").string());

  auto session = hostSampleConsult("In a headset", role);

  app::XrConsultOptions options;
  options.frames = 22;
  Result<app::XrConsultReport> report = app::runXrConsult(*session, options);
  REQUIRE_MESSAGE(report.ok(), (report.ok() ? "" : report.error().message));
  CHECK(report->last.canEdit == (role == net::Role::Expert));
  CHECK(report->xr.xrValidationErrors == 0);
  CHECK(report->xr.vulkanValidationErrors == 0);
  requireNoXrValidationErrors(validation);
  run.session = std::move(session);
  // Until the server's tick after the last intents.
  for (int i = 0; i < 40; ++i) {
    run.session->pump(5);
  }
  return run;
}

TEST_CASE(
    "the right laser presses the XR hologram panel's CT bone button: the preset changes, no pin "
    "drops") {
  PanelPress run = pressCtBone("consult_panel", net::Role::Expert);
  const assets::Room& room = run.room;
  const glm::vec3 centre = room.hologramAnchor;
  const glm::vec3& button = run.button;
  const glm::vec3& hand = run.hand;
  const glm::vec3& headPos = run.headPos;
  const glm::vec2& look = run.look;
  const glm::mat4 model = app::XrHologramPanel::placement(room);
  const std::filesystem::path& dir = run.dir;
  // The server's world: the hologram shows CT bone, and nobody dropped a pin.
  app::ConsultSession& s = *run.session;
  world::World& serverWorld = s.server()->world();
  const world::Actor* holo = serverWorld.find(s.client().hologramId());
  REQUIRE(holo != nullptr);
  for (int i = 0; i < 100 && holo->ref<world::HologramComponent>().preset != 1; ++i) {
    s.pump(5);
  }
  CHECK(holo->ref<world::HologramComponent>().preset == 1);
  CHECK(serverWorld.actorsWith<world::AnnotationComponent>().empty());
  CHECK(s.refusals().empty());

  // The left eye before the press: the panel stands where it was placed,
  // and the laser runs from the hand to the button and stops there.
  Result<render::RgbaImage> image = render::readPng(dir / "capture" / "frame_00008_left.png");
  REQUIRE(image.ok());
  const glm::quat q = fromPitchYaw(look);
  const glm::vec3 eye = headPos + q * glm::vec3(-0.032F, 0, 0);
  auto project = [&](const glm::vec3& p) {
    const glm::vec3 c = glm::conjugate(q) * (p - eye);
    return glm::vec2((0.5F + 0.5F * c.x / -c.z) * 192.0F, (0.5F - 0.5F * c.y / -c.z) * 192.0F);
  };
  int dark = 0;
  int samples = 0;
  for (float v : {0.55F, 0.7F, 0.85F}) {
    for (float u : {0.1F, 0.3F, 0.7F, 0.9F}) {
      const glm::vec2 px = project(glm::vec3(model * glm::vec4(u - 0.5F, 0.5F - v, 0.0F, 1.0F)));
      REQUIRE(px.x >= 0.0F);
      REQUIRE(px.y >= 0.0F);
      REQUIRE(px.x < 192.0F);
      REQUIRE(px.y < 192.0F);
      dark +=
          panelDark(image->at(static_cast<uint32_t>(px.x), static_cast<uint32_t>(px.y))) ? 1 : 0;
      ++samples;
    }
  }
  INFO("panel pixels dark: " << dark << " of " << samples);
  CHECK(dark >= samples * 3 / 4);
  // Beside the panel (its own width to the right), the room is not that dark.
  const glm::vec2 beside = project(glm::vec3(model * glm::vec4(1.0F, 0.0F, 0.0F, 1.0F)));
  REQUIRE(beside.x < 192.0F);
  CHECK_FALSE(
      panelDark(image->at(static_cast<uint32_t>(beside.x), static_cast<uint32_t>(beside.y))));
  for (float f : {0.4F, 0.6F}) {
    const glm::vec2 px = project(hand + (button - hand) * f);
    INFO("laser at " << f << ": pixel " << px.x << ", " << px.y);
    CHECK(orangeNear(*image, px, 2));
  }
  // Past the button, towards the hologram, where the panel does not hide
  // it: no beam.
  for (float f : {0.5F, 0.75F}) {
    const glm::vec3 p = button + (centre - button) * f;
    REQUIRE_FALSE(ui::intersectPanel(model, glm::vec2(1.0F), ui::Ray{eye, p - eye}).has_value());
    const glm::vec2 px = project(p);
    INFO("past the panel at " << f << ": pixel " << px.x << ", " << px.y);
    CHECK_FALSE(orangeNear(*image, px, 1));
  }
}

TEST_CASE(
    "a trainee without control sees the XR hologram panel, but pressing CT bone changes nothing") {
  PanelPress run = pressCtBone("consult_panel_trainee", net::Role::Trainee);
  app::ConsultSession& s = *run.session;
  world::World& serverWorld = s.server()->world();
  const world::Actor* holo = serverWorld.find(s.client().hologramId());
  REQUIRE(holo != nullptr);
  CHECK(holo->ref<world::HologramComponent>().preset == 0);
  CHECK(serverWorld.actorsWith<world::AnnotationComponent>().empty());
  // The panel is there (greyed out): the eye shows it like the expert's.
  Result<render::RgbaImage> image = render::readPng(run.dir / "capture" / "frame_00008_left.png");
  REQUIRE(image.ok());
  const glm::quat q = fromPitchYaw(run.look);
  const glm::vec3 eye = run.headPos + q * glm::vec3(-0.032F, 0, 0);
  const glm::vec3 c =
      glm::conjugate(q) * (glm::vec3(app::XrHologramPanel::placement(run.room)[3]) - eye);
  const glm::vec2 px((0.5F + 0.5F * c.x / -c.z) * 192.0F, (0.5F - 0.5F * c.y / -c.z) * 192.0F);
  CHECK(panelDark(image->at(static_cast<uint32_t>(px.x), static_cast<uint32_t>(px.y))));
}

}  // namespace
}  // namespace medverse::test

// The desktop's clip-plane and slice gizmos as a person at the screen uses
// them, rendered: X and a click on the hologram cut it facing the viewer,
// dragging the cut's round handle moves it deeper, V shows the axial slice
// and dragging its handle moves it up. Each step changes the pixels where the
// plane cuts the hologram and nowhere else; a second participant's client
// holds the same plane; the audit trail has the host's changes, a drag
// coalesced into its first change and where it came to rest.
#include <doctest/doctest.h>

#include <algorithm>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <memory>

#include "consult_room.h"
#include "medverse/app/consult_app.h"
#include "medverse/app/plane_gizmo.h"
#include "medverse/render/context.h"
#include "medverse/render/image_io.h"
#include "medverse/render/offscreen_target.h"
#include "medverse/render/renderer.h"
#include "medverse/world/journal.h"

using namespace medverse;
using namespace medverse::app;

namespace {

constexpr glm::vec2 kSize{640.0F, 360.0F};

struct Rect {
  glm::vec2 min{1e9F};
  glm::vec2 max{-1e9F};
  void add(glm::vec2 p) {
    min = glm::min(min, p);
    max = glm::max(max, p);
  }
  [[nodiscard]] bool contains(glm::vec2 p, float margin = 0.0F) const {
    return p.x >= min.x - margin && p.y >= min.y - margin && p.x <= max.x + margin &&
           p.y <= max.y + margin;
  }
};

// Pixels that visibly differ (summed RGB difference over 24), inside and
// outside `area` (with a margin of a few pixels left out of both).
struct Change {
  int inside = 0;
  int outside = 0;
};
Change changed(const render::RgbaImage& a, const render::RgbaImage& b, const Rect& area) {
  REQUIRE(a.width == b.width);
  Change c;
  for (uint32_t y = 0; y < a.height; ++y) {
    for (uint32_t x = 0; x < a.width; ++x) {
      const glm::u8vec4 p = a.at(x, y);
      const glm::u8vec4 q = b.at(x, y);
      const int d = std::abs(p.r - q.r) + std::abs(p.g - q.g) + std::abs(p.b - q.b);
      if (d <= 24) {
        continue;
      }
      const glm::vec2 at{static_cast<float>(x), static_cast<float>(y)};
      if (area.contains(at)) {
        ++c.inside;
      } else if (!area.contains(at, 4.0F)) {
        ++c.outside;
      }
    }
  }
  return c;
}

// The host's screen: its ConsultClient (controls, presenter) drawing offscreen.
struct Screen {
  std::unique_ptr<render::Context> context;
  std::unique_ptr<render::Renderer> renderer;
  std::unique_ptr<render::OffscreenTarget> target;
  std::unique_ptr<ConsultClient> client;
  render::RenderView view;
};

}  // namespace

TEST_CASE(
    "dragging a cut's and a slice's handle, and L for the surfaces, change the picture there, for "
    "everyone") {
  const std::filesystem::path journalPath =
      std::filesystem::temp_directory_path() / "medverse_test_plane_gizmos.journal";
  std::filesystem::remove(journalPath);
  std::filesystem::remove(journalPath.string() + "-wal");
  auto journal = world::Journal::open(journalPath);
  REQUIRE_MESSAGE(journal.ok(), (journal.ok() ? "" : journal.error().message));
  test::Room room(&*journal);
  ConsultSession& doctor = room.join("Dr. Jonas Weber", net::Role::Doctor);
  REQUIRE(room.pumpUntil([&] {
    return room.host->joined() && doctor.joined() && doctor.extract().hologram.has_value();
  }));

  Screen screen;
  render::ContextOptions contextOptions;
  contextOptions.validation = true;
  auto context = render::Context::create(contextOptions);
  REQUIRE_MESSAGE(context.ok(), (context.ok() ? "" : context.error().message));
  screen.context = std::move(*context);
  auto renderer = render::Renderer::create(*screen.context);
  REQUIRE(renderer.ok());
  screen.renderer = std::move(*renderer);
  auto target =
      render::OffscreenTarget::create(*screen.context, static_cast<uint32_t>(kSize.x),
                                      static_cast<uint32_t>(kSize.y), VK_SAMPLE_COUNT_4_BIT, 1);
  REQUIRE(target.ok());
  screen.target = std::move(*target);
  auto client = ConsultClient::create(*screen.renderer, *room.host, false);
  REQUIRE_MESSAGE(client.ok(), (client.ok() ? "" : client.error().message));
  screen.client = std::move(*client);
  ConsultClient& host = *screen.client;

  // One frame of the host's screen with this input, and the others' pumps.
  const platform::InputState idle;
  const auto frame = [&](const platform::InputState& input) {
    room.clock.ms += 17;
    screen.view = host.frame(input, kSize, {}, 1.0F / 60.0F);
    doctor.pump(1);
  };
  const auto play = [&](const std::string& json) {
    auto script = InputScript::parse(json);
    REQUIRE_MESSAGE(script.ok(), (script.ok() ? "" : script.error().message));
    for (uint32_t f = 0; f < script->length(); ++f) {
      frame(script->frameInput(f));
    }
  };
  const auto settle = [&](const std::function<bool()>& done) {
    for (int i = 0; i < test::kPumpBound && !done(); ++i) {
      frame(idle);
    }
    REQUIRE(done());
  };
  const auto shoot = [&]() {
    frame(idle);
    REQUIRE(screen.renderer->render(screen.view, screen.target->info()).ok());
    auto images = screen.target->readbackViews();
    REQUIRE(images.ok());
    return std::move(images->front());
  };
  // Where things are on the host's screen.
  const auto onScreen = [&](const glm::vec3& patientMm) {
    const glm::vec3 w = glm::vec3(host.hologram().model() * glm::vec4(patientMm, 1.0F));
    const std::optional<glm::vec2> p = projectToScreen(host.controls().camera(), kSize, w);
    REQUIRE(p.has_value());
    return *p;
  };
  const auto handleAt = [&](PlaneRef ref) {
    const ConsultFrame& f = host.lastFrame();
    REQUIRE(f.hologram.has_value());
    for (const PlaneHandle& h : planeHandles(*f.hologram, host.hologram().volumeInfo())) {
      if (h.ref == ref) {
        return onScreen(h.positionMm);
      }
    }
    FAIL("no handle for that plane");
    return glm::vec2(0.0F);
  };
  const auto drag = [&](glm::vec2 from, glm::vec2 by) {
    std::string json = R"({"events": [{"frame": 0, "mouse": "left", "action": "down", "x": )" +
                       std::to_string(from.x) + ", \"y\": " + std::to_string(from.y) + "}";
    for (int step = 1; step <= 4; ++step) {
      const glm::vec2 p = from + by * (static_cast<float>(step) / 4.0F);
      json += R"(, {"frame": )" + std::to_string(step) + R"(, "move": [)" + std::to_string(p.x) +
              ", " + std::to_string(p.y) + "]}";
    }
    json += R"(, {"frame": 5, "mouse": "left", "action": "up"}]})";
    play(json);
  };

  const auto quietSecond = [&]() {  // the server closes a run after 1 s without changes
    for (int i = 0; i < 70; ++i) {
      frame(idle);
    }
  };
  // Everyone in place (the doctor's avatar has come through interpolation).
  settle([&] { return host.lastFrame().hologram && host.lastFrame().avatars.size() == 1; });
  quietSecond();
  Rect hologram;
  const render::VolumeInfo& info = host.hologram().volumeInfo();
  for (int c = 0; c < 8; ++c) {
    hologram.add(onScreen({(c & 1) != 0 ? info.boundsMax.x : info.boundsMin.x,
                           (c & 2) != 0 ? info.boundsMax.y : info.boundsMin.y,
                           (c & 4) != 0 ? info.boundsMax.z : info.boundsMin.z}));
  }
  const float area = (hologram.max.x - hologram.min.x) * (hologram.max.y - hologram.min.y);
  MESSAGE("hologram on screen: " << hologram.min.x << "," << hologram.min.y << " - "
                                 << hologram.max.x << "," << hologram.max.y);
  REQUIRE(area > 2000.0F);
  const render::RgbaImage before = shoot();

  // X, click in the middle of the hologram: a cut facing the viewer.
  const glm::vec2 centre = 0.5F * (hologram.min + hologram.max);
  play(R"({"events": [{"frame": 0, "key": "X"},
    {"frame": 1, "mouse": "left", "action": "down", "x": )" +
       std::to_string(centre.x) + ", \"y\": " + std::to_string(centre.y) + R"(},
    {"frame": 2, "mouse": "left", "action": "up"}]})");
  settle([&] { return doctor.extract().hologram->clip[kPlacedClipPlane].enabled; });
  const world::Plane placed = host.lastFrame().hologram->clip[kPlacedClipPlane];
  const glm::vec3 forward =
      glm::normalize(host.controls().camera().target - host.controls().camera().eye());
  const glm::vec3 normalInRoom =
      glm::normalize(glm::vec3(host.hologram().model() * glm::vec4(placed.normal, 0.0F)));
  CHECK(glm::dot(normalInRoom, forward) > 0.98F);  // facing away from the viewer
  const render::RgbaImage cut = shoot();
  if (std::getenv("MEDVERSE_TEST_KEEP") != nullptr) {
    (void)render::writePng("/tmp/gizmo_before.png", before);
    (void)render::writePng("/tmp/gizmo_cut.png", cut);
  }
  const Change opened = changed(before, cut, hologram);
  MESSAGE("cut placed: " << opened.inside << " pixels changed on the hologram, " << opened.outside
                         << " elsewhere");
  CHECK(opened.inside > static_cast<int>(0.05F * area));
  CHECK(opened.outside == 0);
  quietSecond();

  // Drag its handle up: the cut goes deeper, away from the viewer.
  drag(handleAt({PlaneKind::Clip, kPlacedClipPlane}), {0.0F, -12.0F});
  quietSecond();
  const world::Plane moved = host.lastFrame().hologram->clip[kPlacedClipPlane];
  const world::Plane seen = doctor.extract().hologram->clip[kPlacedClipPlane];
  MESSAGE("cut moved from " << placed.offset << " to " << moved.offset << " mm");
  CHECK(moved.offset - placed.offset > 5.0F);
  CHECK(moved.offset - placed.offset < 60.0F);
  CHECK(seen.enabled);
  CHECK(seen.offset == doctest::Approx(moved.offset).epsilon(1e-5));
  CHECK(glm::distance(seen.normal, moved.normal) < 1e-3F);
  const render::RgbaImage deeper = shoot();
  const Change cutMore = changed(cut, deeper, hologram);
  MESSAGE("cut dragged: " << cutMore.inside << " pixels changed on the hologram, "
                          << cutMore.outside << " elsewhere");
  CHECK(cutMore.inside > static_cast<int>(0.02F * area));
  CHECK(cutMore.outside == 0);

  // V: the axial slice in the middle; drag its handle up 15 pixels.
  play(R"({"events": [{"frame": 0, "key": "V"}]})");
  settle([&] { return doctor.extract().hologram->slice[0].enabled; });
  const world::Plane slice = host.lastFrame().hologram->slice[0];
  const glm::vec2 sliceFrom = handleAt({PlaneKind::Slice, 0});
  const render::RgbaImage sliced = shoot();
  quietSecond();
  drag(sliceFrom, {0.0F, -15.0F});
  quietSecond();
  const world::Plane raised = host.lastFrame().hologram->slice[0];
  MESSAGE("axial slice moved from " << slice.offset << " to " << raised.offset << " mm");
  CHECK(raised.offset - slice.offset > 5.0F);  // superior is up on the screen
  CHECK(doctor.extract().hologram->slice[0].offset == doctest::Approx(raised.offset));
  const glm::vec2 sliceTo = handleAt({PlaneKind::Slice, 0});
  CHECK(sliceTo.y < sliceFrom.y - 5.0F);  // the handle followed the mouse
  const render::RgbaImage raisedImage = shoot();
  const Change slid = changed(sliced, raisedImage, hologram);
  // Where the slice was and now is: the band between the two heights.
  Rect band;
  band.add({hologram.min.x, sliceTo.y - 4.0F});
  band.add({hologram.max.x, sliceFrom.y + 4.0F});
  const Change inBand = changed(sliced, raisedImage, band);
  MESSAGE("slice dragged: " << slid.inside << " pixels changed on the hologram (" << inBand.inside
                            << " in the band it crossed), " << slid.outside << " elsewhere");
  CHECK(inBand.inside > static_cast<int>(0.2F * static_cast<float>(slid.inside)));
  CHECK(slid.inside > 200);
  CHECK(slid.outside == 0);

  // L: the case's anatomy surfaces (the AAL structures) for everyone.
  CHECK_FALSE(doctor.extract().hologram->surfaces);
  play(R"({"events": [{"frame": 0, "key": "L"}]})");
  settle([&] { return doctor.extract().hologram->surfaces; });
  const render::RgbaImage withSurfaces = shoot();
  const Change surfaced = changed(raisedImage, withSurfaces, hologram);
  MESSAGE("surfaces shown: " << surfaced.inside << " pixels changed on the hologram, "
                             << surfaced.outside << " elsewhere");
  CHECK(surfaced.inside > static_cast<int>(0.02F * area));
  CHECK(surfaced.outside == 0);

  // The audit trail: the host's name on every change; each drag (many
  // intents) is two entries, its first change and where it came to rest.
  auto entries = journal->loadAudit();
  REQUIRE(entries.ok());
  std::vector<world::JournalEntry> clips;
  std::vector<world::JournalEntry> slices;
  for (const world::JournalEntry& e : *entries) {
    MESSAGE(world::formatAuditEntry(e));
    if (e.event.type == world::AuditType::ClipPlane) {
      clips.push_back(e);
    }
    if (e.event.type == world::AuditType::SlicePlane) {
      slices.push_back(e);
    }
  }
  REQUIRE(clips.size() == 3);   // placed; drag started; came to rest
  REQUIRE(slices.size() == 3);  // shown; drag started; came to rest
  for (const auto* list : {&clips, &slices}) {
    for (const world::JournalEntry& e : *list) {
      CHECK(e.event.name == "Dr. Amara Okafor");
      CHECK(e.event.role == "expert");
    }
    CHECK(list->at(0).event.payloadJson.find("\"phase\":\"start\"") != std::string::npos);
    CHECK(list->at(1).event.payloadJson.find("\"phase\":\"start\"") != std::string::npos);
    CHECK(list->at(2).event.payloadJson.find("\"phase\":\"end\"") != std::string::npos);
  }
  CHECK(clips[2].event.detail.find("came to rest") != std::string::npos);
  const bool surfacesAudited =
      std::any_of(entries->begin(), entries->end(), [](const world::JournalEntry& e) {
        return e.event.type == world::AuditType::Surfaces && e.event.detail == "surfaces shown" &&
               e.event.name == "Dr. Amara Okafor";
      });
  CHECK(surfacesAudited);

  screen.client.reset();
  screen.target.reset();
  screen.renderer.reset();
  const render::ValidationReport report = screen.context->validationReport();
  for (const auto& message : report.firstErrors) {
    MESSAGE(message);
  }
  CHECK(report.errors == 0);
}

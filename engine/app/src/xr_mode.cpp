#include "medverse/app/xr_mode.h"

#include <algorithm>
#include <chrono>
#include <optional>

#include "medverse/app/case_scene.h"
#include "medverse/app/client_scene.h"
#include "medverse/app/consult_app.h"
#include "medverse/app/consult_view.h"
#include "medverse/app/room_scene.h"
#include "medverse/app/xr_controls.h"
#include "medverse/app/xr_locomotion.h"
#include "medverse/app/xr_panel.h"
#include "medverse/app/xr_visuals.h"
#include "medverse/assets/room.h"
#include "medverse/render/image_io.h"
#include "medverse/render/offscreen_target.h"
#include "medverse/render/renderer.h"
#include "medverse/xr/xr_loop.h"

namespace medverse::app {

Result<XrModeReport> runXrMode(const XrModeOptions& options) {
  xr::XrLoopOptions loop;
  loop.runtime.mode = options.ar ? xr::ViewMode::Ar : xr::ViewMode::Vr;
  loop.maxFrames = options.maxFrames;
  std::optional<ClientScene> scene;
  std::optional<XrLocalVisuals> visuals;
  XrLocomotion locomotion = XrLocomotion::forRoom(assets::buildConsultRoom());
  LocalHands hands;
  xr::XrLoopCallbacks callbacks;
  callbacks.start = [&](render::Renderer& renderer) -> Status {
    Result<ClientScene> s = createClientScene(renderer, options.scene);
    if (!s) {
      return s.error();
    }
    scene = std::move(*s);
    Result<XrLocalVisuals> v = XrLocalVisuals::create(renderer);
    if (!v) {
      return v.error();
    }
    visuals = std::move(*v);
    return {};
  };
  // Recenter, teleport and snap turn; the hands where the controllers are.
  callbacks.frame.update = [&](const xr::XrFrameInfo& info) {
    std::optional<medverse::Pose> head;
    if (info.viewsValid) {
      head = medverse::Pose{0.5F * (info.eyes[0].pose.position + info.eyes[1].pose.position),
                            info.eyes[0].pose.orientation};
    }
    locomotion.update(info.input, head, info.recentered);
    hands = {};
    for (int h = 0; h < 2; ++h) {
      const xr::HandInput& hand = info.input.hands[h];
      if (hand.gripValid) {
        hands.grip[h] = locomotion.roomFromStage() * medverse::Pose{hand.grip.position,
                                                                    hand.grip.orientation};
      }
    }
  };
  callbacks.frame.roomFromBase = [&] { return locomotion.roomFromStage().toMatrix(); };
  // One stereo view per frame; the session fills in both eyes' cameras.
  callbacks.frame.view = [&](const xr::XrFrameInfo& info, const render::CameraView& head) {
    render::RenderView v = scene->view(head, glm::vec2(info.viewSize));
    visuals->append(hands, locomotion.aim(), net::Role::Expert, v);
    return v;
  };
  // The menu button on either controller: held 1 s re-centres, a shorter
  // press quits (through xrRequestExitSession).
  callbacks.recenter = [](const xr::XrFrameInfo& info) {
    return info.input.hands[0].menuLongPress || info.input.hands[1].menuLongPress;
  };
  callbacks.quit = [](const xr::XrFrameInfo& info) {
    return info.input.hands[0].menuShortPress || info.input.hands[1].menuShortPress;
  };
  Result<xr::XrLoopReport> r = xr::runXrLoop(loop, callbacks);
  scene.reset();
  visuals.reset();
  if (!r) {
    return r.error();
  }
  XrModeReport report;
  report.runtimeName = r->runtimeName;
  report.deviceName = r->deviceName;
  report.framesRendered = r->framesRendered;
  report.sessions = r->sessionsCreated;
  report.xrValidationErrors = r->xrValidation.errors;
  report.vulkanValidationErrors = r->vulkanValidationErrors;
  report.passthrough = r->passthrough;
  report.recenters = r->recenters;
  report.referenceSpaceChanges = r->referenceSpaceChanges;
  report.teleports = locomotion.teleports();
  return report;
}

}  // namespace medverse::app

// ---------------------------------------------------------------------------
// XR in a consult room.

namespace medverse::app {
namespace {

// The XR user's client: the room, the case hologram and the presenter, built
// once the renderer exists; one update per XR frame.
struct XrConsultClient {
  ConsultSession& session;
  const XrConsultOptions& options;
  std::optional<RoomScene> room;
  std::optional<CaseScene> hologram;
  std::unique_ptr<ConsultPresenter> presenter;
  std::optional<XrLocalVisuals> visuals;
  std::optional<XrHologramPanel> panel;
  XrControls controls;
  ConsultFrame last;
  XrTime lastDisplayTime = 0;
  render::RenderView lastView;
  render::CameraView lastEye;
  glm::uvec2 eyeSize{0, 0};
  uint64_t frames = 0;
  bool done = false;
  std::optional<std::chrono::steady_clock::time_point> goalSince;
  std::optional<uint64_t> settleFromTick;
  static constexpr uint64_t kSettleTicks = 20;
  std::string goalError;

  Status start(render::Renderer& renderer) {
    const assets::Room layout = assets::buildConsultRoom();
    Result<RoomScene> r = RoomScene::create(renderer, layout, false);
    if (!r) {
      return r.error();
    }
    room = std::move(*r);
    controls.setRoom(layout);
    Result<XrLocalVisuals> v = XrLocalVisuals::create(renderer);
    if (!v) {
      return v.error();
    }
    visuals = std::move(*v);
    Result<imaging::CaseBundle> bundle = loadCase(session.caseDirectory());
    if (!bundle) {
      return bundle.error();
    }
    CaseSceneOptions caseOptions;
    caseOptions.anchor = layout.hologramAnchor;
    Result<CaseScene> scene = CaseScene::create(renderer, *bundle, caseOptions);
    if (!scene) {
      return scene.error();
    }
    hologram = std::move(*scene);
    Result<std::unique_ptr<ConsultPresenter>> p = ConsultPresenter::create(renderer, *hologram);
    if (!p) {
      return p.error();
    }
    presenter = std::move(*p);
    panel.emplace(presenter->fonts(), layout);
    controls.setPanel(panel->model());
    controls.setPinText(options.pinText);
    return {};
  }

  void update(const xr::XrFrameInfo& info) {
    session.pump(0);
    last = session.extract();
    std::optional<HologramGeometry> geometry;
    if (last.hologram) {
      presenter->applyHologram(*last.hologram, *hologram);
      geometry = HologramGeometry{hologram->model(), hologram->volumeInfo()};
    }
    std::optional<medverse::Pose> head;
    if (info.viewsValid) {
      head = medverse::Pose{0.5F * (info.eyes[0].pose.position + info.eyes[1].pose.position),
                            info.eyes[0].pose.orientation};
    }
    const XrControlsOutput out =
        controls.update(info.input, head, session, last, geometry, info.recentered);
    // The hologram panel: the right laser is its pointer, the trigger its
    // button; what it presses goes to the session like the desktop overlay's.
    float deltaSeconds = 1.0F / 72.0F;
    if (lastDisplayTime != 0 && info.predictedDisplayTime > lastDisplayTime) {
      deltaSeconds =
          std::min(static_cast<float>(info.predictedDisplayTime - lastDisplayTime) * 1e-9F, 0.1F);
    }
    lastDisplayTime = info.predictedDisplayTime;
    const std::vector<ui::UiAction> actions = panel->update(
        presenter->overlayState(last), out.panelPointer, out.panelPressed, deltaSeconds);
    presenter->applyActions(actions, last, session);
    for (int h = 0; h < 2; ++h) {
      if (out.haptic[h] && info.controllers != nullptr) {
        // A short tick: the hand has the hologram (or the grab was asked for).
        (void)info.controllers->vibrate(static_cast<xr::Hand>(h), 0.6F, 20'000'000);
      }
    }
    if (last.hologram) {
      if (std::optional<Transform> t = session.client().presentHologram()) {
        last.hologram->transform = *t;
        presenter->applyHologram(*last.hologram, *hologram);
      }
    }
    ++frames;
    // With a goal, a grab or release still under way is waited for too.
    if (options.frames > 0 && frames >= options.frames && !(options.goal && controls.busy())) {
      const uint64_t tick = session.client().stats().lastServerTick;
      if (!options.goal || options.goal->reached(last)) {
        // Then a few more server ticks, so that what everyone replicated
        // (and the interpolation behind it) has settled in the last frame.
        if (!settleFromTick) {
          settleFromTick = tick;
        }
        done = tick >= *settleFromTick + kSettleTicks;
      } else {
        const auto now = std::chrono::steady_clock::now();
        if (!goalSince) {
          goalSince = now;
        }
        if (now - *goalSince > std::chrono::milliseconds(options.goalTimeoutMs)) {
          goalError = "the room did not reach the goal in time: " + options.goal->missing(last) +
                      " (last: " + (controls.status().empty() ? "no action" : controls.status()) +
                      ")";
          done = true;
        }
      }
    }
    if (session.ended()) {
      goalError = "left the room: " + session.endReason();
      done = true;
    }
  }

  render::RenderView view(const xr::XrFrameInfo& info, const render::CameraView& head) {
    render::RenderView v = room->view(head);
    hologram->appendTo(v);
    OverlayExtras extras;
    extras.status = controls.status();
    (void)presenter->decorate(v, last, hologram->model(), glm::vec2(info.viewSize), false, extras);
    // Panels blend without writing depth: back to front, the hologram panel
    // among the labels.
    v.panels.push_back(panel->panel());
    const glm::vec3 eye = head.position;
    std::stable_sort(v.panels.begin(), v.panels.end(),
                     [&](const render::UiPanel& a, const render::UiPanel& b) {
                       return glm::distance(glm::vec3(a.model[3]), eye) >
                              glm::distance(glm::vec3(b.model[3]), eye);
                     });
    visuals->append(controls.localHands(), controls.locomotion().aim(), last.localRole, v);
    lastView = v;
    lastEye = info.eyes[0].camera;
    eyeSize = info.viewSize;
    return v;
  }

  // The last frame again, from the left eye, into an offscreen image.
  Status screenshot(render::Renderer& renderer) {
    if (options.screenshot.empty()) {
      return {};
    }
    if (eyeSize.x == 0) {
      return makeError("--screenshot: no XR frame was rendered");
    }
    Result<std::unique_ptr<render::OffscreenTarget>> target = render::OffscreenTarget::create(
        renderer.context(), eyeSize.x, eyeSize.y, VK_SAMPLE_COUNT_4_BIT, 1);
    if (!target) {
      return target.error();
    }
    render::RenderView v = lastView;
    v.viewCount = 1;
    v.camera = lastEye;
    v.clearColor.a = 1.0F;
    if (Status s = renderer.render(v, (*target)->info()); !s) {
      return s;
    }
    Result<std::vector<render::RgbaImage>> images = (*target)->readbackViews();
    if (!images) {
      return images.error();
    }
    return render::writePng(options.screenshot, images->front());
  }
};

}  // namespace

Result<XrConsultReport> runXrConsult(ConsultSession& session, const XrConsultOptions& options) {
  if (Status s = awaitCase(session, options.caseTimeoutMs); !s) {
    return s.error();
  }
  XrConsultClient client{session, options};
  xr::XrLoopOptions loop;
  loop.runtime.mode = options.ar ? xr::ViewMode::Ar : xr::ViewMode::Vr;
  xr::XrLoopCallbacks callbacks;
  callbacks.start = [&](render::Renderer& renderer) { return client.start(renderer); };
  callbacks.frame.update = [&](const xr::XrFrameInfo& info) { client.update(info); };
  callbacks.frame.roomFromBase = [&] { return client.controls.roomFromStage(); };
  callbacks.frame.view = [&](const xr::XrFrameInfo& info, const render::CameraView& head) {
    return client.view(info, head);
  };
  callbacks.recenter = [](const xr::XrFrameInfo& info) {
    return info.input.hands[0].menuLongPress || info.input.hands[1].menuLongPress;
  };
  callbacks.quit = [&](const xr::XrFrameInfo& info) {
    return client.done || info.input.hands[0].menuShortPress || info.input.hands[1].menuShortPress;
  };
  callbacks.finish = [&](render::Renderer& renderer) { return client.screenshot(renderer); };
  Result<xr::XrLoopReport> r = xr::runXrLoop(loop, callbacks);
  if (!r) {
    return r.error();
  }
  if (!client.goalError.empty()) {
    return makeError(client.goalError);
  }
  // Let the last intents (a release, a pin) reach the server before leaving.
  session.pump(0);
  XrConsultReport report;
  report.xr.runtimeName = r->runtimeName;
  report.xr.deviceName = r->deviceName;
  report.xr.framesRendered = r->framesRendered;
  report.xr.sessions = r->sessionsCreated;
  report.xr.xrValidationErrors = r->xrValidation.errors;
  report.xr.vulkanValidationErrors = r->vulkanValidationErrors;
  report.xr.passthrough = r->passthrough;
  report.xr.recenters = r->recenters;
  report.xr.referenceSpaceChanges = r->referenceSpaceChanges;
  report.xr.teleports = client.controls.locomotion().teleports();
  report.last = client.last;
  report.status = client.controls.status();
  return report;
}

}  // namespace medverse::app

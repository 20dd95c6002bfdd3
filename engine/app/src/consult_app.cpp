#include "medverse/app/consult_app.h"

#include <chrono>
#include <glm/gtc/quaternion.hpp>

#include "medverse/assets/room.h"
#include "medverse/core/log.h"
#include "medverse/render/camera.h"
#include "medverse/render/offscreen_target.h"
#include "medverse/render/renderer.h"
#ifdef MEDVERSE_HAS_DESKTOP
#include "medverse/platform/window.h"
#include "medverse/render/swapchain_target.h"
#include "window_output.h"
#endif

namespace medverse::app {
namespace {

constexpr glm::vec3 kUp{0.0F, 1.0F, 0.0F};

// The desktop user's avatar: the head where the camera is, looking at what
// it orbits, hands resting in front.
world::AvatarPose desktopAvatar(const OrbitCamera& camera) {
  world::AvatarPose pose;
  const glm::vec3 eye = camera.eye();
  glm::vec3 forward = camera.target - eye;
  if (glm::dot(forward, forward) < 1e-8F) {
    forward = glm::vec3(0.0F, 0.0F, -1.0F);
  }
  pose.head.position = eye;
  pose.head.orientation = glm::quatLookAt(glm::normalize(forward), kUp);
  glm::vec3 flat(forward.x, 0.0F, forward.z);
  flat = glm::dot(flat, flat) > 1e-8F ? glm::normalize(flat) : glm::vec3(0.0F, 0.0F, -1.0F);
  const glm::vec3 right = glm::cross(flat, kUp);
  const glm::quat body = glm::quatLookAt(flat, kUp);
  pose.leftHand = {eye - right * 0.2F - kUp * 0.5F + flat * 0.25F, body};
  pose.rightHand = {eye + right * 0.2F - kUp * 0.5F + flat * 0.25F, body};
  pose.pointer = pose.rightHand;
  return pose;
}

render::CameraView cameraAt(const medverse::Pose& head, float fovY, float aspect) {
  render::CameraView v;
  v.position = head.position;
  v.view = glm::inverse(head.toMatrix());
  v.projection = render::perspective(fovY, aspect, 0.05F, 50.0F);
  return v;
}

}  // namespace

Status awaitCase(ConsultSession& session, uint32_t timeoutMs) {
  const auto start = std::chrono::steady_clock::now();
  while (session.caseDirectory().empty() || !session.joined()) {
    if (session.ended()) {
      return makeError("left the room: " + session.endReason());
    }
    const net::AssetClient* transfer = session.client().caseTransfer();
    if (transfer != nullptr && transfer->state() == net::AssetClient::State::Failed) {
      return makeError("the room's case could not be received: " + transfer->error());
    }
    if (!session.hosting() && transfer == nullptr && session.joined()) {
      return makeError("the room's case is needed: give a cache directory to receive it");
    }
    const auto waited = std::chrono::duration_cast<std::chrono::milliseconds>(
        std::chrono::steady_clock::now() - start);
    if (waited.count() > timeoutMs) {
      return makeError(session.joined() ? "the room's case did not arrive in time"
                                        : "the room did not answer in time");
    }
    session.pump(10);  // waits inside the network service, no sleeping
  }
  return {};
}

Result<std::unique_ptr<ConsultClient>> ConsultClient::create(render::Renderer& renderer,
                                                             ConsultSession& session,
                                                             bool withOverlay) {
  const std::filesystem::path caseDir = session.caseDirectory();
  if (caseDir.empty()) {
    return makeError("the room's case has not arrived yet");
  }
  assets::Room room = assets::buildConsultRoom();
  Result<RoomScene> roomScene = RoomScene::create(renderer, room, false);
  if (!roomScene) {
    return roomScene.error();
  }
  std::unique_ptr<ConsultClient> c(new ConsultClient(session, std::move(*roomScene)));
  Result<imaging::CaseBundle> bundle = loadCase(caseDir);
  if (!bundle) {
    return bundle.error();
  }
  CaseSceneOptions caseOptions;
  caseOptions.anchor = room.hologramAnchor;
  Result<CaseScene> scene = CaseScene::create(renderer, *bundle, caseOptions);
  if (!scene) {
    return scene.error();
  }
  c->case_ = std::move(*scene);
  Result<std::unique_ptr<ConsultPresenter>> presenter =
      ConsultPresenter::create(renderer, *c->case_);
  if (!presenter) {
    return presenter.error();
  }
  c->presenter_ = std::move(*presenter);
  c->overlay_ = withOverlay;
  c->controls_.setCamera(OrbitCamera::lookingAt(room.suggestedCameraPosition, room.hologramAnchor));
  return c;
}

render::RenderView ConsultClient::frame(const platform::InputState& input, glm::vec2 viewport,
                                        const ui::FrameSummary& summary, float deltaSeconds) {
  session_.pump(0);
  last_ = session_.extract();
  std::optional<HologramGeometry> geometry;
  if (last_.hologram) {
    presenter_->applyHologram(*last_.hologram, *case_);
    geometry = HologramGeometry{case_->model(), case_->volumeInfo()};
  }
  controls_.update(input, viewport, session_, last_, geometry,
                   overlay_ && presenter_->overlayWantsPointer());
  if (last_.hologram) {
    // What the controls just did shows this frame (own moves and a dragged
    // plane apply at once, before the server's answer).
    if (std::optional<Transform> t = session_.client().presentHologram()) {
      last_.hologram->transform = *t;
    }
    if (auto dragged = controls_.draggedPlane()) {
      auto& planes =
          dragged->first.kind == PlaneKind::Clip ? last_.hologram->clip : last_.hologram->slice;
      planes.at(dragged->first.index).offset = dragged->second.offset;
      planes.at(dragged->first.index).enabled = true;
    }
    presenter_->applyHologram(*last_.hologram, *case_);
  }
  session_.setLocalAvatar(desktopAvatar(controls_.camera()));

  const float aspect = viewport.x / std::max(viewport.y, 1.0F);
  render::CameraView camera = controls_.camera().view(aspect);
  if (last_.followedView) {
    camera = cameraAt(*last_.followedView, controls_.camera().fovY, aspect);
  }
  render::RenderView view = room_.view(camera);
  case_->appendTo(view);
  if (last_.hologram && last_.canEdit) {
    // The planes' handles are a tool for those who may move them.
    presenter_->addPlaneGizmos(view, *last_.hologram, case_->model(), controls_.activePlane());
  }

  OverlayExtras extras;
  extras.showHelp = controls_.helpVisible();
  extras.shortcuts = DesktopControls::shortcuts();
  extras.status = controls_.status();
  extras.selectedParticipant = controls_.selectedParticipant();
  extras.pointer.inside = input.cursorInWindow;
  extras.pointer.position = {static_cast<float>(input.cursorX), static_cast<float>(input.cursorY)};
  extras.pointer.primaryDown = input.down(platform::MouseButton::Left);
  extras.pointer.wheel = static_cast<float>(input.scrollY);
  extras.deltaSeconds = deltaSeconds;
  extras.frame = summary;
  const std::vector<ui::UiAction> actions =
      presenter_->decorate(view, last_, case_->model(), viewport, overlay_, extras);
  presenter_->applyActions(actions, last_, session_);
  return view;
}

namespace {

// A spectator following someone by name: true once asked for.
bool followByName(ConsultSession& session, const std::string& name) {
  const ConsultFrame f = session.extract();
  for (const ParticipantView& p : f.participants) {
    if (p.name == name && p.connected && !p.local) {
      session.follow(p.clientId);
      return true;
    }
  }
  return false;
}

// Pumps the network until the goal holds (and whom to follow is there),
// bounded by options.goalTimeoutMs; the network wait blocks, nothing sleeps.
Status awaitGoal(ConsultSession& session, const ConsultAppOptions& options, bool& followed) {
  const auto start = std::chrono::steady_clock::now();
  while (true) {
    if (!options.follow.empty() && !followed) {
      followed = followByName(session, options.follow);
    }
    const ConsultFrame f = session.extract();
    const bool following = options.follow.empty() || (followed && f.followedView.has_value());
    if ((!options.goal || options.goal->reached(f)) && following) {
      return {};
    }
    if (session.ended()) {
      return makeError("left the room: " + session.endReason());
    }
    if (std::chrono::steady_clock::now() - start >
        std::chrono::milliseconds(options.goalTimeoutMs)) {
      return makeError("the room did not reach the goal in time: " +
                       (options.goal ? options.goal->missing(f) : std::string()) +
                       (following ? "" : " (" + options.follow + " is not there to follow)"));
    }
    session.pump(10);
  }
}

Result<ConsultAppReport> runHeadlessConsult(ConsultSession& session,
                                            const ConsultAppOptions& options,
                                            std::optional<InputScript>& script) {
  render::ContextOptions contextOptions;
  contextOptions.validation = options.validation;
  Result<std::unique_ptr<render::Context>> context = render::Context::create(contextOptions);
  if (!context) {
    return context.error();
  }
  const render::ValidationReport atStart = render::processValidationReport();
  ConsultAppReport report;
  {
    Result<std::unique_ptr<render::Renderer>> renderer = render::Renderer::create(**context);
    if (!renderer) {
      return renderer.error();
    }
    Result<std::unique_ptr<render::OffscreenTarget>> target = render::OffscreenTarget::create(
        **context, options.width, options.height, VK_SAMPLE_COUNT_4_BIT, 1);
    if (!target) {
      return target.error();
    }
    Result<std::unique_ptr<ConsultClient>> client =
        ConsultClient::create(**renderer, session, options.overlay);
    if (!client) {
      return client.error();
    }
    const glm::vec2 viewport{static_cast<float>(options.width), static_cast<float>(options.height)};
    uint32_t frames = options.frames > 0 ? options.frames - 1 : 0;  // + the final frame
    if (script) {
      frames = std::max(frames, script->length());
    }
    ui::FrameSummary summary;
    summary.device = (*context)->deviceName();
    platform::InputState idle;
    bool followed = false;
    // The frames asked for (the script's), then, before the final picture,
    // what this client asked for comes back from the server (a grab
    // released, a pin dropped), bounded; the final frame shows it.
    for (uint32_t f = 0; f <= frames; ++f) {
      if (!options.follow.empty() && !followed) {
        followed = followByName(session, options.follow);
      }
      if (f == frames && (options.goal || !options.follow.empty())) {
        if (Status s = awaitGoal(session, options, followed); !s) {
          return s.error();
        }
      }
      if (f == frames) {
        const uint64_t startTick = session.client().stats().lastServerTick;
        for (int i = 0; i < 2000; ++i) {
          const bool idleNow = !(*client)->controls().busy();
          if (idleNow && session.client().stats().lastServerTick >= startTick + 6) {
            break;
          }
          session.pump(5);
          if (!idleNow) {
            (void)(*client)->frame(idle, viewport, summary, 1.0F / 60.0F);  // a pending release
          }
        }
      }
      const platform::InputState input = script && f < frames ? script->frameInput(f) : idle;
      render::RenderView view = (*client)->frame(input, viewport, summary, 1.0F / 60.0F);
      if (Status s = (*renderer)->render(view, (*target)->info()); !s) {
        return s.error();
      }
      ++report.frames;
      summary.drawCalls = (*renderer)->lastFrameStats().drawCalls;
      summary.triangles = (*renderer)->lastFrameStats().triangles;
      summary.volumes = (*renderer)->lastFrameStats().volumes;
    }
    Result<std::vector<render::RgbaImage>> images = (*target)->readbackViews();
    if (!images) {
      return images.error();
    }
    report.image = std::move(images->front());
    report.last = (*client)->lastFrame();
    if (!options.screenshot.empty()) {
      if (Status s = render::writePng(options.screenshot, report.image); !s) {
        return s.error();
      }
    }
  }
  report.deviceName = (*context)->deviceName();
  report.validationEnabled = (*context)->validationEnabled();
  context.value().reset();
  const render::ValidationReport atEnd = render::processValidationReport();
  report.validationErrors = atEnd.errors - atStart.errors;
  report.validationWarnings = atEnd.warnings - atStart.warnings;
  report.refusals = session.refusals().size();
  return report;
}

#ifdef MEDVERSE_HAS_DESKTOP
Result<ConsultAppReport> runWindowConsult(ConsultSession& session, const ConsultAppOptions& options,
                                          std::optional<InputScript>& script) {
  const render::ValidationReport atStart = render::processValidationReport();
  Result<WindowOutput> output =
      openWindowOutput(windowOutputOptions(options, "MedVerse - consult room " + session.room()));
  if (!output) {
    return output.error();
  }
  ConsultAppReport report;
  {
    Result<std::unique_ptr<ConsultClient>> client =
        ConsultClient::create(*output->renderer, session, options.overlay);
    if (!client) {
      return client.error();
    }
    platform::Window& win = *output->window;
    render::Renderer& draw = *output->renderer;
    render::SwapchainTarget& target = *output->swapchain;
    ui::FrameSummary summary;
    summary.device = output->context->deviceName();
    auto previous = std::chrono::steady_clock::now();
    while (!win.shouldClose() && !session.ended()) {
      const platform::FramebufferSize fb = win.framebufferSize();
      platform::InputState input = fb.empty() ? win.waitEvents() : win.pollEvents();
      // The script drives its frames; the user has the window after them.
      if (script && report.frames < script->length()) {
        input = script->frameInput(report.frames);
      }
      const platform::FramebufferSize now = win.framebufferSize();
      target.resize({now.width, now.height});
      if (now.empty()) {
        session.pump(0);
        continue;
      }
      Result<uint32_t> slot = draw.beginFrame();
      if (!slot) {
        return slot.error();
      }
      const bool last = options.frames != 0 && report.frames + 1 == options.frames;
      if (!options.screenshot.empty() && (last || options.frames == 0)) {
        if (Status s = target.captureNextFrame(); !s) {
          return s.error();
        }
      }
      Result<std::optional<render::SwapchainFrame>> frame = target.acquire(*slot);
      if (!frame) {
        return frame.error();
      }
      if (!frame->has_value()) {
        continue;
      }
      const render::SwapchainFrame& f = **frame;
      const glm::vec2 viewport{static_cast<float>(f.target.extent.width),
                               static_cast<float>(f.target.extent.height)};
      const auto t = std::chrono::steady_clock::now();
      const float dt = std::chrono::duration<float>(t - previous).count();
      previous = t;
      render::RenderView view = (*client)->frame(input, viewport, summary, std::max(dt, 1e-3F));
      if (Status s = draw.submitFrame(view, f.target, f.sync); !s) {
        return s.error();
      }
      if (Status s = target.present(f); !s) {
        return s.error();
      }
      ++report.frames;
      summary.frameMs = dt * 1000.0F;
      summary.drawCalls = draw.lastFrameStats().drawCalls;
      summary.triangles = draw.lastFrameStats().triangles;
      summary.volumes = draw.lastFrameStats().volumes;
      if ((*client)->controls().quitRequested()) {
        break;
      }
      if (options.frames != 0 && report.frames >= options.frames) {
        break;
      }
    }
    if (Status s = draw.waitIdle(); !s) {
      return s.error();
    }
    report.last = (*client)->lastFrame();
    if (!options.screenshot.empty()) {
      Result<render::RgbaImage> image = target.lastCapture();
      if (!image) {
        return image.error();
      }
      report.image = std::move(*image);
      if (Status s = render::writePng(options.screenshot, report.image); !s) {
        return s.error();
      }
    }
  }
  report.deviceName = output->context->deviceName();
  report.validationEnabled = output->context->validationEnabled();
  output->closeGpu();
  const render::ValidationReport atEnd = render::processValidationReport();
  report.validationErrors = atEnd.errors - atStart.errors;
  report.validationWarnings = atEnd.warnings - atStart.warnings;
  report.refusals = session.refusals().size();
  return report;
}
#endif

}  // namespace

Result<ConsultAppReport> runConsult(ConsultSession& session, const ConsultAppOptions& options) {
  std::optional<InputScript> script;
  if (!options.inputScript.empty()) {
    Result<InputScript> loaded = InputScript::load(options.inputScript);
    if (!loaded) {
      return loaded.error();
    }
    script = std::move(*loaded);
  }
  if (Status s = awaitCase(session, options.caseTimeoutMs); !s) {
    return s.error();
  }
  if (options.onSessionReady) {
    options.onSessionReady(session);
  }
  if (options.window) {
#ifdef MEDVERSE_HAS_DESKTOP
    return runWindowConsult(session, options, script);
#else
    return makeError("this build has no desktop window (GLFW was not found; run scripts/setup)");
#endif
  }
  return runHeadlessConsult(session, options, script);
}

}  // namespace medverse::app

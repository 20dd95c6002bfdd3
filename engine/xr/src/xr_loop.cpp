#include "medverse/xr/xr_loop.h"

#include <chrono>
#include <thread>

#include "medverse/core/log.h"
#include "medverse/render/context.h"
#include "medverse/render/renderer.h"

namespace medverse::xr {

Result<XrLoopReport> runXrLoop(const XrLoopOptions& options, XrLoopCallbacks& callbacks) {
  const render::ValidationReport vkAtStart = render::processValidationReport();
  XrLoopReport report;
  Result<std::unique_ptr<XrRuntime>> runtime = XrRuntime::create(options.runtime);
  if (!runtime) {
    return runtime.error();
  }
  report.runtimeName = (*runtime)->runtimeName();
  report.blendMode = (*runtime)->blendMode();
  {
    Result<std::unique_ptr<render::Context>> context = (*runtime)->createContext(options.validation);
    if (!context) {
      return context.error();
    }
    report.deviceName = (*context)->deviceName();
    // GPU objects and XR handles go before the context and the instance.
    Result<std::unique_ptr<render::Renderer>> renderer = render::Renderer::create(**context);
    if (!renderer) {
      return renderer.error();
    }
    if (callbacks.start) {
      if (Status s = callbacks.start(**renderer); !s) {
        return s.error();
      }
    }
    Result<std::unique_ptr<ControllerInput>> input = ControllerInput::create((*runtime)->instance());
    if (!input) {
      return input.error();
    }
    const XrInstance instance = (*runtime)->instance();
    bool exit = false;
    uint64_t totalFrames = 0;
    while (!exit) {
      Result<std::unique_ptr<Session>> created = Session::create(**runtime, **context, **input);
      if (!created) {
        return created.error();
      }
      std::unique_ptr<Session> session = std::move(*created);
      ++report.sessionsCreated;
      report.baseSpace = session->baseSpaceType();
      while (true) {
        bool sawEvent = false;
        XrEventDataBuffer event{XR_TYPE_EVENT_DATA_BUFFER};
        XrResult r = XR_SUCCESS;
        while ((r = xrPollEvent(instance, &event)) == XR_SUCCESS) {
          sawEvent = true;
          switch (event.type) {
            case XR_TYPE_EVENT_DATA_SESSION_STATE_CHANGED: {
              const auto& e = reinterpret_cast<const XrEventDataSessionStateChanged&>(event);
              if (e.session != session->handle()) {
                break;  // an event for a session already destroyed
              }
              report.states.push_back(e.state);
              if (callbacks.sessionState) {
                callbacks.sessionState(e.state);
              }
              if (Status s = session->onStateChanged(e.state); !s) {
                return s.error();
              }
              break;
            }
            case XR_TYPE_EVENT_DATA_INSTANCE_LOSS_PENDING:
              log::get("xr")->warn("the OpenXR instance is being lost; shutting down");
              exit = true;
              break;
            case XR_TYPE_EVENT_DATA_INTERACTION_PROFILE_CHANGED:
              log::get("xr")->info("interaction profile changed");
              break;
            case XR_TYPE_EVENT_DATA_REFERENCE_SPACE_CHANGE_PENDING: {
              const auto& e = reinterpret_cast<const XrEventDataReferenceSpaceChangePending&>(event);
              ++report.referenceSpaceChanges;
              if (Status s = session->onReferenceSpaceChangePending(e); !s) {
                return s.error();
              }
              break;
            }
            case XR_TYPE_EVENT_DATA_PASSTHROUGH_STATE_CHANGED_FB:
              log::get("xr")->warn("the passthrough camera's state changed (flags {:#x})",
                                   reinterpret_cast<const XrEventDataPassthroughStateChangedFB&>(event).flags);
              break;
            default:
              break;
          }
          event = {XR_TYPE_EVENT_DATA_BUFFER};
        }
        if (XR_FAILED(r)) {
          return xrError(instance, "xrPollEvent", r);
        }
        if (exit || session->exiting()) {
          exit = true;
          break;
        }
        if (session->lost()) {
          log::get("xr")->warn("session lost; creating a new one");
          break;
        }
        if (!session->running()) {
          if (!sawEvent) {
            // Idle until the runtime says READY (a headset put back on):
            // poll at a human pace rather than spin.
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
          }
          continue;
        }
        FrameCallbacks frame = callbacks.frame;
        bool quit = false;
        bool recenter = false;
        auto update = frame.update;
        frame.update = [&](const XrFrameInfo& info) {
          if (update) {
            update(info);
          }
          recenter = callbacks.recenter && callbacks.recenter(info);
          quit = (callbacks.quit && callbacks.quit(info)) ||
                 (options.maxFrames > 0 && totalFrames + 1 >= options.maxFrames);
        };
        if (Status s = session->frame(**renderer, frame, options.nearZ, options.farZ); !s) {
          return s.error();
        }
        ++totalFrames;
        if (recenter && !session->lost()) {
          if (Status s = session->recenter(); !s) {
            return s.error();
          }
        }
        if (quit) {
          if (Status s = session->requestExit(); !s) {
            return s.error();
          }
        }
      }
      report.framesRendered += session->framesRendered();
      report.recenters += session->recenters();
      report.passthrough = report.passthrough || session->passthroughRunning();
    }
    if (callbacks.finish) {
      if (Status s = callbacks.finish(**renderer); !s) {
        return s.error();
      }
    }
  }
  report.xrValidation = (*runtime)->validationReport();
  runtime->reset();
  const render::ValidationReport vkAtEnd = render::processValidationReport();
  report.vulkanValidationErrors = vkAtEnd.errors - vkAtStart.errors;
  return report;
}

}  // namespace medverse::xr

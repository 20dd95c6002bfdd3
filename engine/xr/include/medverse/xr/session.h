#pragma once
// One XrSession: the session-state machine (one switch over XrSessionState,
// in the specification's order), the app's base space (STAGE when the
// runtime has it, LOCAL otherwise, with recentering), the stereo swapchain
// and one frame of wait → begin → input → locate views → render → end.
#include <array>
#include <functional>
#include <glm/mat4x4.hpp>
#include <glm/vec2.hpp>
#include <memory>

#include "medverse/core/result.h"
#include "medverse/render/render_view.h"
#include "medverse/xr/input.h"
#include "medverse/xr/stereo_swapchain.h"

namespace medverse::render {
class Context;
class Renderer;
}  // namespace medverse::render

namespace medverse::xr {

class XrRuntime;

// LOCAL has its origin at the head, not on the floor: the base space is put
// this far below it, so that the room (floor at y = 0) meets the floor.
constexpr float kLocalEyeHeight = 1.6F;

struct EyeView {
  Pose pose;  // in the base space
  XrFovf fov{};
  render::CameraView camera;
};

// What the app sees of one frame.
struct XrFrameInfo {
  uint64_t index = 0;          // frames this session has begun
  XrTime predictedDisplayTime = 0;
  bool shouldRender = false;
  bool viewsValid = false;     // `eyes` located (head tracked)
  std::array<EyeView, 2> eyes;
  // The head between the eyes: the left eye's orientation and projection at
  // the eyes' midpoint (labels and billboards face it).
  render::CameraView head;
  glm::uvec2 viewSize{0, 0};  // pixels per eye (the swapchain's layer size)
  FrameInput input;
  XrEnvironmentBlendMode blendMode = XR_ENVIRONMENT_BLEND_MODE_OPAQUE;
  bool passthrough = false;  // an XR_FB_passthrough layer goes beneath ours
  // The base space was re-centred since the last frame (by recenter() or
  // by the runtime; a LOCAL base space also on its first frame): the user
  // now stands at its origin facing -Z.
  bool recentered = false;
  // The controllers, for haptics from update() (ControllerInput::vibrate).
  ControllerInput* controllers = nullptr;
};

struct FrameCallbacks {
  // Every frame, after input sync: app logic (grabs, menus, quitting).
  std::function<void(const XrFrameInfo&)> update;
  // Optional, asked after update(): where the base space sits in the app's
  // room (locomotion such as a snap turn moves the user, not the runtime's
  // space). The eyes and the head handed to view() are then in room space;
  // XrFrameInfo's poses stay in the base space.
  std::function<glm::mat4()> roomFromBase;
  // The scene to draw this frame, seen from `head` (XrFrameInfo::head). The
  // session then draws it for both eyes in one stereo frame (viewCount 2,
  // eyes = the located views, into both layers of the swapchain) and sets
  // the clear colour's alpha for the blend mode (1 opaque, 0 for
  // alpha-blend and additive AR).
  std::function<render::RenderView(const XrFrameInfo&, const render::CameraView& head)> view;
};

class Session {
 public:
  static Result<std::unique_ptr<Session>> create(XrRuntime& runtime, render::Context& context,
                                                 ControllerInput& input);
  ~Session();
  Session(const Session&) = delete;
  Session& operator=(const Session&) = delete;

  [[nodiscard]] XrSession handle() const { return session_; }
  [[nodiscard]] XrSessionState state() const { return state_; }
  [[nodiscard]] bool running() const { return running_; }
  [[nodiscard]] bool lost() const { return lost_; }        // recreate it
  [[nodiscard]] bool exiting() const { return exiting_; }  // shut down
  [[nodiscard]] XrSpace baseSpace() const { return baseSpace_; }
  [[nodiscard]] XrReferenceSpaceType baseSpaceType() const { return baseType_; }

  // The state machine: READY → xrBeginSession, STOPPING → xrEndSession,
  // LOSS_PENDING → lost, EXITING → exiting.
  Status onStateChanged(XrSessionState state);
  // The user quits: ask the runtime, which walks us down to STOPPING.
  Status requestExit();
  // Re-centres the base space on the head's current position and heading
  // (yaw only): its origin goes to the floor below the head (STAGE; LOCAL:
  // kLocalEyeHeight below it), its -Z to where the head faces.
  Status recenter();
  // XrEventDataReferenceSpaceChangePending: the runtime re-centred a space
  // (the user held the system button). For our base space's type, our own
  // offset is dropped: the runtime's new origin is the user's.
  Status onReferenceSpaceChangePending(const XrEventDataReferenceSpaceChangePending& event);
  [[nodiscard]] uint32_t recenters() const { return recenters_; }
  [[nodiscard]] bool passthroughRunning() const { return passthroughLayer_ != XR_NULL_HANDLE; }
  // One frame while running. An XR_ERROR_SESSION_LOST marks the session lost.
  Status frame(render::Renderer& renderer, const FrameCallbacks& callbacks, float nearZ,
               float farZ);

  [[nodiscard]] uint64_t framesRendered() const { return framesRendered_; }

 private:
  Session(XrRuntime& runtime, render::Context& context, ControllerInput& input)
      : runtime_(runtime), context_(context), input_(input) {}
  Status init();
  Status createBaseSpace(const Pose& offset);
  Status createPassthrough();

  XrRuntime& runtime_;
  render::Context& context_;
  ControllerInput& input_;
  XrInstance instance_ = XR_NULL_HANDLE;
  XrSession session_ = XR_NULL_HANDLE;
  XrSessionState state_ = XR_SESSION_STATE_UNKNOWN;
  bool running_ = false;
  bool lost_ = false;
  bool exiting_ = false;
  bool exitRequested_ = false;
  XrReferenceSpaceType baseType_ = XR_REFERENCE_SPACE_TYPE_LOCAL;
  XrSpace baseSpace_ = XR_NULL_HANDLE;
  XrSpace viewSpace_ = XR_NULL_HANDLE;
  Pose recenterOffset_;
  bool recenteredPending_ = false;
  uint32_t recenters_ = 0;
  XrPassthroughFB passthrough_ = XR_NULL_HANDLE;
  XrPassthroughLayerFB passthroughLayer_ = XR_NULL_HANDLE;
  XrTime lastDisplayTime_ = 0;
  std::unique_ptr<StereoSwapchain> swapchain_;
  uint64_t frameIndex_ = 0;
  uint64_t framesRendered_ = 0;
};

}  // namespace medverse::xr

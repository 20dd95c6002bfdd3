#include "medverse/xr/session.h"

#include <algorithm>
#include <cmath>

#include "medverse/core/log.h"
#include "medverse/render/camera.h"
#include "medverse/render/context.h"
#include "medverse/render/renderer.h"
#include "medverse/xr/runtime.h"

namespace medverse::xr {
namespace {

bool lostResult(XrResult r) { return r == XR_ERROR_SESSION_LOST; }

}  // namespace

Result<std::unique_ptr<Session>> Session::create(XrRuntime& runtime, render::Context& context,
                                                 ControllerInput& input) {
  std::unique_ptr<Session> s(new Session(runtime, context, input));
  if (Status st = s->init(); !st) {
    return st.error();
  }
  return s;
}

Status Session::init() {
  instance_ = runtime_.instance();
  XrGraphicsBindingVulkan2KHR binding{XR_TYPE_GRAPHICS_BINDING_VULKAN2_KHR};
  binding.instance = context_.instance();
  binding.physicalDevice = context_.physicalDevice();
  binding.device = context_.device();
  binding.queueFamilyIndex = context_.queueFamily();
  binding.queueIndex = 0;
  XrSessionCreateInfo info{XR_TYPE_SESSION_CREATE_INFO};
  info.next = &binding;
  info.systemId = runtime_.system();
  MV_XR_TRY(instance_, xrCreateSession(instance_, &info, &session_));

  uint32_t count = 0;
  MV_XR_TRY(instance_, xrEnumerateReferenceSpaces(session_, 0, &count, nullptr));
  std::vector<XrReferenceSpaceType> spaces(count);
  MV_XR_TRY(instance_, xrEnumerateReferenceSpaces(session_, count, &count, spaces.data()));
  // The room is laid out on the floor: STAGE when the runtime tracks one.
  baseType_ = std::find(spaces.begin(), spaces.end(), XR_REFERENCE_SPACE_TYPE_STAGE) != spaces.end()
                  ? XR_REFERENCE_SPACE_TYPE_STAGE
                  : XR_REFERENCE_SPACE_TYPE_LOCAL;
  Pose start;
  if (baseType_ == XR_REFERENCE_SPACE_TYPE_LOCAL) {
    start.position.y = -kLocalEyeHeight;
    // LOCAL's origin is where the user started: as good as re-centred there
    // (the app puts them at its viewpoint rather than the room's centre).
    recenteredPending_ = true;
  }
  if (Status s = createBaseSpace(start); !s) {
    return s;
  }
  XrReferenceSpaceCreateInfo view{XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
  view.referenceSpaceType = XR_REFERENCE_SPACE_TYPE_VIEW;
  view.poseInReferenceSpace = toXr(Pose{});
  MV_XR_TRY(instance_, xrCreateReferenceSpace(session_, &view, &viewSpace_));

  if (Status s = input_.attach(session_); !s) {
    return s;
  }
  const XrViewConfigurationView& v = runtime_.views()[0];
  Result<std::unique_ptr<StereoSwapchain>> swapchain = StereoSwapchain::create(
      instance_, session_, context_, v.recommendedImageRectWidth, v.recommendedImageRectHeight);
  if (!swapchain) {
    return swapchain.error();
  }
  swapchain_ = std::move(*swapchain);
  return createPassthrough();
}

Status Session::createPassthrough() {
  if (!runtime_.passthroughEnabled()) {
    return {};
  }
  // The feature, and one full-view (reconstruction) layer, both running from
  // creation (XR_FB_passthrough revision 1 requires a non-zero flags field,
  // so they are started through the flag rather than by
  // xrPassthroughStartFB / xrPassthroughLayerResumeFB).
  const FbPassthrough& fb = runtime_.fbPassthrough();
  XrPassthroughCreateInfoFB info{XR_TYPE_PASSTHROUGH_CREATE_INFO_FB};
  info.flags = XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB;
  MV_XR_TRY(instance_, fb.createPassthrough(session_, &info, &passthrough_));
  XrPassthroughLayerCreateInfoFB layer{XR_TYPE_PASSTHROUGH_LAYER_CREATE_INFO_FB};
  layer.passthrough = passthrough_;
  layer.flags = XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB;
  layer.purpose = XR_PASSTHROUGH_LAYER_PURPOSE_RECONSTRUCTION_FB;
  MV_XR_TRY(instance_, fb.createLayer(session_, &layer, &passthroughLayer_));
  log::get("xr")->info("AR through XR_FB_passthrough");
  return {};
}

Status Session::createBaseSpace(const Pose& offset) {
  if (baseSpace_ != XR_NULL_HANDLE) {
    xrDestroySpace(baseSpace_);
    baseSpace_ = XR_NULL_HANDLE;
  }
  XrReferenceSpaceCreateInfo info{XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
  info.referenceSpaceType = baseType_;
  info.poseInReferenceSpace = toXr(offset);
  MV_XR_TRY(instance_, xrCreateReferenceSpace(session_, &info, &baseSpace_));
  recenterOffset_ = offset;
  return {};
}

Session::~Session() {
  // The passthrough layer before the feature it was made from.
  if (passthroughLayer_ != XR_NULL_HANDLE) {
    runtime_.fbPassthrough().destroyLayer(passthroughLayer_);
  }
  if (passthrough_ != XR_NULL_HANDLE) {
    runtime_.fbPassthrough().destroyPassthrough(passthrough_);
  }
  swapchain_.reset();
  input_.detach();
  if (viewSpace_ != XR_NULL_HANDLE) {
    xrDestroySpace(viewSpace_);
  }
  if (baseSpace_ != XR_NULL_HANDLE) {
    xrDestroySpace(baseSpace_);
  }
  if (session_ != XR_NULL_HANDLE) {
    xrDestroySession(session_);
  }
}

Status Session::onStateChanged(XrSessionState state) {
  log::get("xr")->info("session state {} -> {}", sessionStateName(state_), sessionStateName(state));
  state_ = state;
  switch (state) {
    case XR_SESSION_STATE_READY: {
      XrSessionBeginInfo begin{XR_TYPE_SESSION_BEGIN_INFO};
      begin.primaryViewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
      MV_XR_TRY(instance_, xrBeginSession(session_, &begin));
      running_ = true;
      break;
    }
    case XR_SESSION_STATE_STOPPING:
      MV_XR_TRY(instance_, xrEndSession(session_));
      running_ = false;
      break;
    case XR_SESSION_STATE_LOSS_PENDING:
      // The runtime is losing the device: tear this session down and make a new one.
      running_ = false;
      lost_ = true;
      break;
    case XR_SESSION_STATE_EXITING:
      exiting_ = true;
      break;
    case XR_SESSION_STATE_IDLE:
    case XR_SESSION_STATE_SYNCHRONIZED:
    case XR_SESSION_STATE_VISIBLE:
    case XR_SESSION_STATE_FOCUSED:
    default:
      break;
  }
  return {};
}

Status Session::requestExit() {
  if (exitRequested_ || !running_) {
    return {};
  }
  exitRequested_ = true;
  XrResult r = xrRequestExitSession(session_);
  if (lostResult(r)) {
    lost_ = true;
    return {};
  }
  MV_XR_TRY(instance_, r);
  return {};
}

Status Session::recenter() {
  if (lastDisplayTime_ == 0) {
    return {};
  }
  // Where the head is in the un-recentred base space: keep its heading (yaw)
  // and its floor position, so the room stays level and on the floor.
  XrReferenceSpaceCreateInfo info{XR_TYPE_REFERENCE_SPACE_CREATE_INFO};
  info.referenceSpaceType = baseType_;
  info.poseInReferenceSpace = toXr(Pose{});
  XrSpace raw = XR_NULL_HANDLE;
  MV_XR_TRY(instance_, xrCreateReferenceSpace(session_, &info, &raw));
  XrSpaceLocation loc{XR_TYPE_SPACE_LOCATION};
  XrResult r = xrLocateSpace(viewSpace_, raw, lastDisplayTime_, &loc);
  xrDestroySpace(raw);
  MV_XR_TRY(instance_, r);
  if ((loc.locationFlags & XR_SPACE_LOCATION_POSITION_VALID_BIT) == 0) {
    return {};
  }
  Pose head = fromXr(loc.pose);
  glm::vec3 forward = head.orientation * glm::vec3(0, 0, -1);
  const float yaw = std::atan2(-forward.x, -forward.z);
  Pose offset{{head.position.x,
                baseType_ == XR_REFERENCE_SPACE_TYPE_LOCAL ? head.position.y - kLocalEyeHeight : 0.0F,
                head.position.z},
               glm::angleAxis(yaw, glm::vec3(0, 1, 0))};
  if (Status s = createBaseSpace(offset); !s) {
    return s;
  }
  recenteredPending_ = true;
  ++recenters_;
  log::get("xr")->info("re-centred the {} space", baseType_ == XR_REFERENCE_SPACE_TYPE_STAGE
                                                         ? "stage"
                                                         : "local");
  return {};
}

Status Session::onReferenceSpaceChangePending(const XrEventDataReferenceSpaceChangePending& event) {
  if (event.session != session_ || event.referenceSpaceType != baseType_) {
    return {};  // VIEW, or a space we do not lay the room out in
  }
  // The runtime moved the space's origin to the user; an offset of ours on
  // top would put them off-centre again.
  Pose start;
  if (baseType_ == XR_REFERENCE_SPACE_TYPE_LOCAL) {
    start.position.y = -kLocalEyeHeight;
  }
  if (Status s = createBaseSpace(start); !s) {
    return s;
  }
  recenteredPending_ = true;
  ++recenters_;
  log::get("xr")->info("the runtime re-centred the {} space",
                       baseType_ == XR_REFERENCE_SPACE_TYPE_STAGE ? "stage" : "local");
  return {};
}

Status Session::frame(render::Renderer& renderer, const FrameCallbacks& callbacks, float nearZ,
                      float farZ) {
  XrFrameWaitInfo waitInfo{XR_TYPE_FRAME_WAIT_INFO};
  XrFrameState frameState{XR_TYPE_FRAME_STATE};
  XrResult r = xrWaitFrame(session_, &waitInfo, &frameState);
  if (lostResult(r)) {
    lost_ = true;
    return {};
  }
  MV_XR_TRY(instance_, r);
  XrFrameBeginInfo beginInfo{XR_TYPE_FRAME_BEGIN_INFO};
  r = xrBeginFrame(session_, &beginInfo);
  if (lostResult(r)) {
    lost_ = true;
    return {};
  }
  MV_XR_TRY(instance_, r);

  XrFrameInfo info;
  info.index = frameIndex_++;
  info.predictedDisplayTime = frameState.predictedDisplayTime;
  info.shouldRender = frameState.shouldRender != XR_FALSE;
  info.blendMode = runtime_.blendMode();
  info.passthrough = passthroughLayer_ != XR_NULL_HANDLE;
  info.recentered = recenteredPending_;
  recenteredPending_ = false;
  lastDisplayTime_ = frameState.predictedDisplayTime;
  if (Status s = input_.sync(baseSpace_, frameState.predictedDisplayTime, info.input); !s) {
    return s;
  }

  std::array<XrView, 2> views{};
  views.fill({XR_TYPE_VIEW});
  if (info.shouldRender) {
    XrViewLocateInfo locate{XR_TYPE_VIEW_LOCATE_INFO};
    locate.viewConfigurationType = XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO;
    locate.displayTime = frameState.predictedDisplayTime;
    locate.space = baseSpace_;
    XrViewState viewState{XR_TYPE_VIEW_STATE};
    uint32_t count = 0;
    MV_XR_TRY(instance_, xrLocateViews(session_, &locate, &viewState, 2, &count, views.data()));
    const XrViewStateFlags needed =
        XR_VIEW_STATE_POSITION_VALID_BIT | XR_VIEW_STATE_ORIENTATION_VALID_BIT;
    info.viewsValid = (viewState.viewStateFlags & needed) == needed;
    for (int eye = 0; eye < 2 && info.viewsValid; ++eye) {
      EyeView& e = info.eyes[eye];
      e.pose = fromXr(views[eye].pose);
      e.fov = views[eye].fov;
      e.camera.view = glm::inverse(e.pose.matrix());
      e.camera.projection = render::perspectiveFromFov(e.fov.angleLeft, e.fov.angleRight,
                                                       e.fov.angleUp, e.fov.angleDown, nearZ, farZ);
      e.camera.position = e.pose.position;
    }
    if (info.viewsValid) {
      info.head = info.eyes[0].camera;
      info.head.position = 0.5F * (info.eyes[0].pose.position + info.eyes[1].pose.position);
      Pose head = info.eyes[0].pose;
      head.position = info.head.position;
      info.head.view = glm::inverse(head.matrix());
    }
  }
  info.viewSize = {swapchain_->width(), swapchain_->height()};
  info.controllers = &input_;
  if (callbacks.update) {
    callbacks.update(info);
  }
  if (callbacks.roomFromBase && info.viewsValid) {
    const glm::mat4 roomFromBase = callbacks.roomFromBase();
    const glm::mat4 baseFromRoom = glm::inverse(roomFromBase);
    for (EyeView& e : info.eyes) {
      e.camera.view = e.camera.view * baseFromRoom;
      e.camera.position = glm::vec3(roomFromBase * glm::vec4(e.camera.position, 1.0F));
    }
    info.head.view = info.head.view * baseFromRoom;
    info.head.position = glm::vec3(roomFromBase * glm::vec4(info.head.position, 1.0F));
  }

  std::array<XrCompositionLayerProjectionView, 2> projViews{};
  std::array<XrCompositionLayerDepthInfoKHR, 2> depthInfos{};
  XrCompositionLayerProjection layer{XR_TYPE_COMPOSITION_LAYER_PROJECTION};
  XrCompositionLayerPassthroughFB passthroughComposition{XR_TYPE_COMPOSITION_LAYER_PASSTHROUGH_FB};
  std::array<const XrCompositionLayerBaseHeader*, 2> layerList{};
  uint32_t layerCount = 0;
  if (info.shouldRender && info.viewsValid && callbacks.view) {
    if (Status s = swapchain_->acquire(); !s) {
      return s;
    }
    // One stereo frame: both eyes into both layers of the swapchain image
    // (a multiview pass, or one pass per eye, as the renderer decides).
    render::RenderView view = callbacks.view(info, info.head);
    view.viewCount = 2;
    view.eyes = {info.eyes[0].camera, info.eyes[1].camera};
    if (info.blendMode != XR_ENVIRONMENT_BLEND_MODE_OPAQUE || info.passthrough) {
      view.clearColor = {0.0F, 0.0F, 0.0F, 0.0F};  // the real world shows through
    } else {
      view.clearColor.a = 1.0F;
    }
    render::FrameSync sync;
    if (runtime_.depthLayerSupported()) {
      sync.afterPass = [this](VkCommandBuffer cmd) { swapchain_->recordDepthCopy(cmd); };
    }
    if (Status s = renderer.render(view, swapchain_->target(), sync); !s) {
      return s;
    }
    for (int eye = 0; eye < 2; ++eye) {
      const XrRect2Di rect{{0, 0},
                           {static_cast<int32_t>(swapchain_->width()),
                            static_cast<int32_t>(swapchain_->height())}};
      projViews[eye] = {XR_TYPE_COMPOSITION_LAYER_PROJECTION_VIEW};
      projViews[eye].pose = views[eye].pose;
      projViews[eye].fov = views[eye].fov;
      projViews[eye].subImage = {swapchain_->color(), rect, static_cast<uint32_t>(eye)};
      if (runtime_.depthLayerSupported()) {
        depthInfos[eye] = {XR_TYPE_COMPOSITION_LAYER_DEPTH_INFO_KHR};
        depthInfos[eye].subImage = {swapchain_->depth(), rect, static_cast<uint32_t>(eye)};
        depthInfos[eye].minDepth = 0.0F;
        depthInfos[eye].maxDepth = 1.0F;
        depthInfos[eye].nearZ = nearZ;
        depthInfos[eye].farZ = farZ;
        projViews[eye].next = &depthInfos[eye];
      }
    }
    if (Status s = swapchain_->release(); !s) {
      return s;
    }
    // Blended by its alpha over the display (alpha-blend AR) or over the
    // passthrough layer beneath it; the clear alpha 0 lets the world show.
    layer.layerFlags =
        info.blendMode == XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND || info.passthrough
            ? XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT
            : 0;
    layer.space = baseSpace_;
    layer.viewCount = 2;
    layer.views = projViews.data();
    if (info.passthrough) {
      passthroughComposition.space = baseSpace_;
      passthroughComposition.layerHandle = passthroughLayer_;
      layerList[layerCount++] =
          reinterpret_cast<const XrCompositionLayerBaseHeader*>(&passthroughComposition);
    }
    layerList[layerCount++] = reinterpret_cast<const XrCompositionLayerBaseHeader*>(&layer);
    ++framesRendered_;
  }
  XrFrameEndInfo end{XR_TYPE_FRAME_END_INFO};
  end.displayTime = frameState.predictedDisplayTime;
  end.environmentBlendMode = info.blendMode;
  end.layerCount = layerCount;
  end.layers = layerList.data();
  r = xrEndFrame(session_, &end);
  if (lostResult(r)) {
    lost_ = true;
    return {};
  }
  MV_XR_TRY(instance_, r);
  return {};
}

}  // namespace medverse::xr

// Sessions: creation from a Vulkan graphics binding, the session-state
// lifecycle in the specification's order, reference spaces and views, and the
// frame loop on a simulated clock.
#include <algorithm>
#include <cmath>
#include <cstring>

#include "runtime.h"

namespace medverse::xrsim {
namespace {

Session* sessionOf(XrSession handle) { return lookup<Session>(handle); }

template <typename T>
const T* findNext(const void* next, XrStructureType type) {
  const auto* h = static_cast<const XrBaseInStructure*>(next);
  while (h != nullptr) {
    if (h->type == type) {
      return reinterpret_cast<const T*>(h);
    }
    h = h->next;
  }
  return nullptr;
}

bool poseValid(const XrPosef& p) {
  const auto& q = p.orientation;
  const float len = std::sqrt(q.x * q.x + q.y * q.y + q.z * q.z + q.w * q.w);
  return std::abs(len - 1.0F) < 0.01F && std::isfinite(p.position.x) &&
         std::isfinite(p.position.y) && std::isfinite(p.position.z);
}

Pose fromXr(const XrPosef& p) {
  return {{p.position.x, p.position.y, p.position.z},
          glm::normalize(glm::quat(p.orientation.w, p.orientation.x, p.orientation.y, p.orientation.z))};
}

XrPosef toXr(const Pose& p) {
  XrPosef r;
  r.orientation = {p.orientation.x, p.orientation.y, p.orientation.z, p.orientation.w};
  r.position = {p.position.x, p.position.y, p.position.z};
  return r;
}

void requestExit(Session& s, XrTime time) {
  s.exitRequested = true;
  // Down the lifecycle one state at a time: FOCUSED → VISIBLE → SYNCHRONIZED → STOPPING.
  if (s.state == XR_SESSION_STATE_FOCUSED) {
    setSessionState(s, XR_SESSION_STATE_VISIBLE, time);
  }
  if (s.state == XR_SESSION_STATE_VISIBLE) {
    setSessionState(s, XR_SESSION_STATE_SYNCHRONIZED, time);
  }
  if (s.state == XR_SESSION_STATE_READY) {
    setSessionState(s, XR_SESSION_STATE_SYNCHRONIZED, time);
  }
  if (s.state == XR_SESSION_STATE_SYNCHRONIZED) {
    setSessionState(s, XR_SESSION_STATE_STOPPING, time);
  }
}

XrResult XRAPI_CALL CreateSession(XrInstance handle, const XrSessionCreateInfo* info,
                                  XrSession* out) {
  std::lock_guard lock(runtime().mutex);
  Instance* instance = lookup<Instance>(handle);
  if (instance == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || out == nullptr || info->type != XR_TYPE_SESSION_CREATE_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (info->systemId != kSystemId) {
    return XR_ERROR_SYSTEM_INVALID;
  }
  if (!instance->graphicsRequirementsQueried) {
    XRSIM_ERROR("xrCreateSession before xrGetVulkanGraphicsRequirements(2)KHR");
    return XR_ERROR_GRAPHICS_REQUIREMENTS_CALL_MISSING;
  }
  const auto* binding = findNext<XrGraphicsBindingVulkanKHR>(info->next, XR_TYPE_GRAPHICS_BINDING_VULKAN_KHR);
  if (binding == nullptr || binding->device == VK_NULL_HANDLE ||
      binding->instance == VK_NULL_HANDLE) {
    XRSIM_ERROR("xrCreateSession without an XrGraphicsBindingVulkanKHR");
    return XR_ERROR_GRAPHICS_DEVICE_INVALID;
  }
  if (binding->physicalDevice != instance->physicalDevice) {
    XRSIM_ERROR("the session's VkPhysicalDevice is not the one xrGetVulkanGraphicsDevice(2)KHR returned");
    return XR_ERROR_GRAPHICS_DEVICE_INVALID;
  }
  if (!instance->sessions.empty()) {
    return XR_ERROR_LIMIT_REACHED;
  }
  auto session = std::make_unique<Session>();
  session->instance = instance;
  session->vkInstance = binding->instance;
  session->physicalDevice = binding->physicalDevice;
  session->device = binding->device;
  session->queueFamily = binding->queueFamilyIndex;
  PFN_vkGetInstanceProcAddr gipa = instance->vkGetInstanceProcAddr != nullptr
                                       ? instance->vkGetInstanceProcAddr
                                       : &vkGetInstanceProcAddr;
  if (XrResult r = loadDeviceDispatch(*session, gipa); XR_FAILED(r)) {
    return r;
  }
  session->vk.getDeviceQueue(session->device, binding->queueFamilyIndex, binding->queueIndex,
                             &session->queue);
  if (XrResult r = createSessionVulkanObjects(*session); XR_FAILED(r)) {
    destroySessionVulkanObjects(*session);
    return r;
  }
  Session* s = session.release();
  instance->sessions.insert(s);
  instance->sessionsCreated++;
  *out = toHandle<XrSession>(s);
  const XrTime now = currentTime(*instance);
  setSessionState(*s, XR_SESSION_STATE_IDLE, now);
  setSessionState(*s, XR_SESSION_STATE_READY, now);
  return XR_SUCCESS;
}

XrResult XRAPI_CALL DestroySession(XrSession handle) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  return destroySession(s);
}

XrResult XRAPI_CALL BeginSession(XrSession handle, const XrSessionBeginInfo* info) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || info->type != XR_TYPE_SESSION_BEGIN_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (s->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  if (s->running) {
    return XR_ERROR_SESSION_RUNNING;
  }
  if (s->state != XR_SESSION_STATE_READY) {
    return XR_ERROR_SESSION_NOT_READY;
  }
  if (info->primaryViewConfigurationType != XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO) {
    return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
  }
  s->viewConfiguration = info->primaryViewConfigurationType;
  s->running = true;
  s->waitsPending = 0;
  s->frameBegun = false;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL EndSession(XrSession handle) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (s->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  if (!s->running) {
    return XR_ERROR_SESSION_NOT_RUNNING;
  }
  if (s->state != XR_SESSION_STATE_STOPPING) {
    return XR_ERROR_SESSION_NOT_STOPPING;
  }
  s->running = false;
  const XrTime now = currentTime(*s->instance);
  setSessionState(*s, XR_SESSION_STATE_IDLE, now);
  if (s->exitRequested) {
    setSessionState(*s, XR_SESSION_STATE_EXITING, now);
  }
  return XR_SUCCESS;
}

XrResult XRAPI_CALL RequestExitSession(XrSession handle) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (s->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  if (!s->running) {
    return XR_ERROR_SESSION_NOT_RUNNING;
  }
  requestExit(*s, currentTime(*s->instance));
  return XR_SUCCESS;
}

// --- spaces ------------------------------------------------------------------

XrResult XRAPI_CALL EnumerateReferenceSpaces(XrSession handle, uint32_t capacity, uint32_t* count,
                                             XrReferenceSpaceType* spaces) {
  std::lock_guard lock(runtime().mutex);
  if (sessionOf(handle) == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  std::vector<XrReferenceSpaceType> offered{XR_REFERENCE_SPACE_TYPE_VIEW,
                                            XR_REFERENCE_SPACE_TYPE_LOCAL};
  if (sessionOf(handle)->instance->hmd.stage) {
    offered.push_back(XR_REFERENCE_SPACE_TYPE_STAGE);
  }
  return twoCall(capacity, count, spaces, offered);
}

XrResult XRAPI_CALL CreateReferenceSpace(XrSession handle, const XrReferenceSpaceCreateInfo* info,
                                         XrSpace* out) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || out == nullptr || info->type != XR_TYPE_REFERENCE_SPACE_CREATE_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (info->referenceSpaceType != XR_REFERENCE_SPACE_TYPE_VIEW &&
      info->referenceSpaceType != XR_REFERENCE_SPACE_TYPE_LOCAL &&
      (info->referenceSpaceType != XR_REFERENCE_SPACE_TYPE_STAGE || !s->instance->hmd.stage)) {
    return XR_ERROR_REFERENCE_SPACE_UNSUPPORTED;
  }
  if (!poseValid(info->poseInReferenceSpace)) {
    return XR_ERROR_POSE_INVALID;
  }
  auto* space = new Space();  // NOLINT(cppcoreguidelines-owning-memory)
  space->session = s;
  space->kind = SpaceKind::Reference;
  space->referenceType = info->referenceSpaceType;
  space->offset = fromXr(info->poseInReferenceSpace);
  s->spaces.insert(space);
  *out = toHandle<XrSpace>(space);
  return XR_SUCCESS;
}

XrResult XRAPI_CALL GetReferenceSpaceBoundsRect(XrSession handle, XrReferenceSpaceType type,
                                                XrExtent2Df* bounds) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (bounds == nullptr) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (type == XR_REFERENCE_SPACE_TYPE_STAGE && s->instance->hmd.stage) {
    bounds->width = s->instance->hmd.stageBounds.x;
    bounds->height = s->instance->hmd.stageBounds.y;
    return XR_SUCCESS;
  }
  if (type != XR_REFERENCE_SPACE_TYPE_VIEW && type != XR_REFERENCE_SPACE_TYPE_LOCAL) {
    return XR_ERROR_REFERENCE_SPACE_UNSUPPORTED;
  }
  bounds->width = 0.0F;
  bounds->height = 0.0F;
  return XR_SPACE_BOUNDS_UNAVAILABLE;
}

XrResult XRAPI_CALL DestroySpace(XrSpace handle) {
  std::lock_guard lock(runtime().mutex);
  Space* space = lookup<Space>(handle);
  if (space == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  space->session->spaces.erase(space);
  forget(space);
  delete space;  // NOLINT(cppcoreguidelines-owning-memory)
  return XR_SUCCESS;
}

XrResult XRAPI_CALL LocateSpace(XrSpace spaceHandle, XrSpace baseHandle, XrTime time,
                                XrSpaceLocation* location) {
  std::lock_guard lock(runtime().mutex);
  Space* space = lookup<Space>(spaceHandle);
  Space* base = lookup<Space>(baseHandle);
  if (space == nullptr || base == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (location == nullptr || location->type != XR_TYPE_SPACE_LOCATION) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (space->session != base->session) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (time <= 0) {
    return XR_ERROR_TIME_INVALID;
  }
  auto* velocity = const_cast<XrSpaceVelocity*>(
      findNext<XrSpaceVelocity>(location->next, XR_TYPE_SPACE_VELOCITY));
  if (velocity != nullptr) {
    velocity->velocityFlags = 0;
  }
  Pose a;
  Pose b;
  if (!locateInStage(*space, time, a) || !locateInStage(*base, time, b)) {
    location->locationFlags = 0;
    location->pose = toXr(Pose{});
    return XR_SUCCESS;
  }
  location->pose = toXr(compose(inverse(b), a));
  location->locationFlags = XR_SPACE_LOCATION_ORIENTATION_VALID_BIT |
                            XR_SPACE_LOCATION_POSITION_VALID_BIT |
                            XR_SPACE_LOCATION_ORIENTATION_TRACKED_BIT |
                            XR_SPACE_LOCATION_POSITION_TRACKED_BIT;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL LocateViews(XrSession handle, const XrViewLocateInfo* info, XrViewState* state,
                                uint32_t capacity, uint32_t* count, XrView* views) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || state == nullptr || count == nullptr ||
      info->type != XR_TYPE_VIEW_LOCATE_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (s->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  if (info->viewConfigurationType != XR_VIEW_CONFIGURATION_TYPE_PRIMARY_STEREO) {
    return XR_ERROR_VIEW_CONFIGURATION_TYPE_UNSUPPORTED;
  }
  if (info->displayTime <= 0) {
    return XR_ERROR_TIME_INVALID;
  }
  Space* space = lookup<Space>(info->space);
  if (space == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  *count = 2;
  if (capacity == 0) {
    return XR_SUCCESS;
  }
  if (capacity < 2) {
    return XR_ERROR_SIZE_INSUFFICIENT;
  }
  Pose base;
  if (!locateInStage(*space, info->displayTime, base)) {
    state->viewStateFlags = 0;
    return XR_SUCCESS;
  }
  const HmdConfig& hmd = s->instance->hmd;
  for (int eye = 0; eye < 2; ++eye) {
    views[eye].pose = toXr(compose(inverse(base), eyePose(*s->instance, info->displayTime, eye)));
    views[eye].fov = {hmd.angleLeft, hmd.angleRight, hmd.angleUp, hmd.angleDown};
  }
  state->viewStateFlags = XR_VIEW_STATE_ORIENTATION_VALID_BIT | XR_VIEW_STATE_POSITION_VALID_BIT |
                          XR_VIEW_STATE_ORIENTATION_TRACKED_BIT | XR_VIEW_STATE_POSITION_TRACKED_BIT;
  return XR_SUCCESS;
}

// --- frames ------------------------------------------------------------------

XrResult XRAPI_CALL WaitFrame(XrSession handle, const XrFrameWaitInfo* /*info*/,
                              XrFrameState* state) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (state == nullptr || state->type != XR_TYPE_FRAME_STATE) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (s->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  if (!s->running) {
    return XR_ERROR_SESSION_NOT_RUNNING;
  }
  Instance& instance = *s->instance;
  // The simulated clock: frame n is displayed at epoch + n * period. Nothing
  // sleeps; a real compositor would block here until the next vsync slot.
  const uint64_t frame = instance.frameCounter++;
  const XrTime predicted = instance.epoch + static_cast<XrTime>(frame) * instance.period;
  s->waitedFrameIndex = frame;
  s->lastPredicted = predicted;
  s->waitsPending = 1;
  state->predictedDisplayTime = predicted;
  state->predictedDisplayPeriod = instance.period;
  state->shouldRender = (s->state == XR_SESSION_STATE_VISIBLE ||
                         s->state == XR_SESSION_STATE_FOCUSED)
                            ? XR_TRUE
                            : XR_FALSE;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL BeginFrame(XrSession handle, const XrFrameBeginInfo* /*info*/) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (s->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  if (!s->running) {
    return XR_ERROR_SESSION_NOT_RUNNING;
  }
  if (s->waitsPending == 0) {
    return XR_ERROR_CALL_ORDER_INVALID;
  }
  s->waitsPending = 0;
  s->begunFrameIndex = s->waitedFrameIndex;
  if (s->frameBegun) {
    return XR_FRAME_DISCARDED;  // the previous frame was begun but never ended
  }
  s->frameBegun = true;
  return XR_SUCCESS;
}

XrResult validateSubImage(Session& s, const XrSwapchainSubImage& sub) {
  Swapchain* sc = lookup<Swapchain>(sub.swapchain);
  if (sc == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (sc->session != &s || sc->lastReleased < 0) {
    return XR_ERROR_LAYER_INVALID;
  }
  const auto& r = sub.imageRect;
  if (r.offset.x < 0 || r.offset.y < 0 || r.extent.width <= 0 || r.extent.height <= 0 ||
      static_cast<uint32_t>(r.offset.x + r.extent.width) > sc->info.width ||
      static_cast<uint32_t>(r.offset.y + r.extent.height) > sc->info.height) {
    return XR_ERROR_SWAPCHAIN_RECT_INVALID;
  }
  if (sub.imageArrayIndex >= sc->info.arraySize) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  return XR_SUCCESS;
}

XrResult validateLayer(Session& s, const XrCompositionLayerBaseHeader* layer) {
  if (layer == nullptr) {
    return XR_ERROR_LAYER_INVALID;
  }
  if (layer->type == XR_TYPE_COMPOSITION_LAYER_PASSTHROUGH_FB) {
    if (s.instance->extensions.count(XR_FB_PASSTHROUGH_EXTENSION_NAME) == 0) {
      XRSIM_ERROR("xrEndFrame: a passthrough layer without XR_FB_passthrough enabled");
      return XR_ERROR_LAYER_INVALID;
    }
    const auto* p = reinterpret_cast<const XrCompositionLayerPassthroughFB*>(layer);
    PassthroughLayer* pl = lookup<PassthroughLayer>(p->layerHandle);
    if (pl == nullptr) {
      notePassthroughMisuse(*s.instance, "xrEndFrame: a passthrough layer with an invalid handle");
      return XR_ERROR_HANDLE_INVALID;
    }
    std::string why;
    if (pl->session != &s || !passthroughLayerRunning(*pl, why)) {
      notePassthroughMisuse(*s.instance, "xrEndFrame: passthrough layer submitted while " +
                                             (pl->session != &s ? "of another session" : why));
      return XR_ERROR_LAYER_INVALID;
    }
    if (p->space != XR_NULL_HANDLE && lookup<Space>(p->space) == nullptr) {
      return XR_ERROR_HANDLE_INVALID;
    }
    return XR_SUCCESS;
  }
  if (lookup<Space>(layer->space) == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (layer->type == XR_TYPE_COMPOSITION_LAYER_PROJECTION) {
    const auto* p = reinterpret_cast<const XrCompositionLayerProjection*>(layer);
    if (p->viewCount != 2 || p->views == nullptr) {
      return XR_ERROR_VALIDATION_FAILURE;
    }
    for (uint32_t i = 0; i < p->viewCount; ++i) {
      if (XrResult r = validateSubImage(s, p->views[i].subImage); XR_FAILED(r)) {
        return r;
      }
      if (!poseValid(p->views[i].pose)) {
        return XR_ERROR_POSE_INVALID;
      }
      if (s.instance->extensions.count(XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME) != 0) {
        const auto* depth = findNext<XrCompositionLayerDepthInfoKHR>(
            p->views[i].next, XR_TYPE_COMPOSITION_LAYER_DEPTH_INFO_KHR);
        if (depth != nullptr) {
          if (XrResult r = validateSubImage(s, depth->subImage); XR_FAILED(r)) {
            return r;
          }
          if (depth->minDepth < 0.0F || depth->maxDepth > 1.0F || depth->minDepth > depth->maxDepth ||
              depth->nearZ == depth->farZ) {
            return XR_ERROR_VALIDATION_FAILURE;
          }
        }
      }
    }
    return XR_SUCCESS;
  }
  if (layer->type == XR_TYPE_COMPOSITION_LAYER_QUAD) {
    const auto* q = reinterpret_cast<const XrCompositionLayerQuad*>(layer);
    return validateSubImage(s, q->subImage);
  }
  return XR_ERROR_LAYER_INVALID;
}

void recenterSpaces(Session& s, const ScriptEvent& event);

void advanceLifecycle(Session& s) {
  Instance& instance = *s.instance;
  const XrTime now = s.lastPredicted;
  if (!s.exitRequested) {
    // Up the lifecycle one state per submitted frame.
    if (s.state == XR_SESSION_STATE_READY) {
      setSessionState(s, XR_SESSION_STATE_SYNCHRONIZED, now);
    } else if (s.state == XR_SESSION_STATE_SYNCHRONIZED) {
      setSessionState(s, XR_SESSION_STATE_VISIBLE, now);
    } else if (s.state == XR_SESSION_STATE_VISIBLE) {
      setSessionState(s, XR_SESSION_STATE_FOCUSED, now);
    }
  }
  const auto& events = instance.script.events();
  for (size_t i = 0; i < events.size(); ++i) {
    if (instance.firedEvents.count(i) != 0 || s.begunFrameIndex < events[i].frame) {
      continue;
    }
    instance.firedEvents.insert(i);
    if (events[i].kind == ScriptEventKind::SessionLoss) {
      XRSIM_LOG("scripted session loss at frame %llu", static_cast<unsigned long long>(s.begunFrameIndex));
      s.lost = true;
      setSessionState(s, XR_SESSION_STATE_LOSS_PENDING, now);
      return;
    }
    if (events[i].kind == ScriptEventKind::Recenter) {
      recenterSpaces(s, events[i]);
      continue;
    }
    XRSIM_LOG("scripted exit request at frame %llu", static_cast<unsigned long long>(s.begunFrameIndex));
    requestExit(s, now);
  }
}

// What the user's long press of the system button does on a real headset:
// LOCAL and/or STAGE move to where the head is now (yaw only; STAGE stays on
// the floor), from the next frame's display time on, announced by
// XrEventDataReferenceSpaceChangePending per space.
void recenterSpaces(Session& s, const ScriptEvent& event) {
  Instance& instance = *s.instance;
  const XrTime changeTime = s.lastPredicted + instance.period;
  const Pose head = headPose(instance, changeTime);
  const glm::vec3 forward = head.orientation * glm::vec3(0, 0, -1);
  const glm::quat yaw = glm::angleAxis(std::atan2(-forward.x, -forward.z), glm::vec3(0, 1, 0));
  auto recenter = [&](XrReferenceSpaceType type, std::vector<std::pair<XrTime, Pose>>& origins,
                      const Pose& origin) {
    const Pose previous = spaceOrigin(origins, changeTime);
    origins.emplace_back(changeTime, origin);
    XrEventDataBuffer buffer{XR_TYPE_EVENT_DATA_BUFFER};
    auto* e = reinterpret_cast<XrEventDataReferenceSpaceChangePending*>(&buffer);
    e->type = XR_TYPE_EVENT_DATA_REFERENCE_SPACE_CHANGE_PENDING;
    e->next = nullptr;
    e->session = reinterpret_cast<XrSession>(&s);
    e->referenceSpaceType = type;
    e->changeTime = changeTime;
    e->poseValid = XR_TRUE;
    e->poseInPreviousSpace = toXr(compose(inverse(previous), origin));
    queueEvent(instance, buffer);
  };
  if (event.local) {
    recenter(XR_REFERENCE_SPACE_TYPE_LOCAL, instance.localOrigins, Pose{head.position, yaw});
  }
  if (event.stage && instance.hmd.stage) {
    recenter(XR_REFERENCE_SPACE_TYPE_STAGE, instance.stageOrigins,
             Pose{{head.position.x, 0.0F, head.position.z}, yaw});
  }
  instance.recenters++;
  XRSIM_LOG("scripted recenter at frame %llu", static_cast<unsigned long long>(s.begunFrameIndex));
}

// "projection+alpha+depth", "passthrough_fb", "quad".
std::string layerName(const Session& s, const XrCompositionLayerBaseHeader* layer) {
  if (layer->type == XR_TYPE_COMPOSITION_LAYER_PASSTHROUGH_FB) {
    return "passthrough_fb";
  }
  std::string name = layer->type == XR_TYPE_COMPOSITION_LAYER_PROJECTION ? "projection" : "quad";
  if ((layer->layerFlags & XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT) != 0) {
    name += "+alpha";
  }
  if ((layer->layerFlags & XR_COMPOSITION_LAYER_UNPREMULTIPLIED_ALPHA_BIT) != 0) {
    name += "+unpremultiplied";
  }
  if (layer->type == XR_TYPE_COMPOSITION_LAYER_PROJECTION &&
      s.instance->extensions.count(XR_KHR_COMPOSITION_LAYER_DEPTH_EXTENSION_NAME) != 0) {
    const auto* p = reinterpret_cast<const XrCompositionLayerProjection*>(layer);
    if (findNext<XrCompositionLayerDepthInfoKHR>(p->views[0].next,
                                                 XR_TYPE_COMPOSITION_LAYER_DEPTH_INFO_KHR) != nullptr) {
      name += "+depth";
    }
  }
  return name;
}

// Bounded: one entry per distinct stack, however many frames use it.
void recordLayerStack(Session& s, const XrFrameEndInfo& info, uint64_t frame) {
  if (info.layerCount == 0) {
    return;  // nothing shown (not yet visible, or nothing to draw)
  }
  std::vector<std::string> layers;
  for (uint32_t i = 0; i < info.layerCount; ++i) {
    layers.push_back(layerName(s, info.layers[i]));
  }
  std::vector<LayerStack>& stacks = s.instance->layerStacks;
  for (LayerStack& stack : stacks) {
    if (stack.layers == layers) {
      stack.frames++;
      return;
    }
  }
  if (stacks.size() < 32) {
    stacks.push_back({layers, frame, 1});
  }
}

XrResult XRAPI_CALL EndFrame(XrSession handle, const XrFrameEndInfo* info) {
  std::lock_guard lock(runtime().mutex);
  Session* s = sessionOf(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || info->type != XR_TYPE_FRAME_END_INFO) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (s->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  if (!s->running) {
    return XR_ERROR_SESSION_NOT_RUNNING;
  }
  if (!s->frameBegun) {
    return XR_ERROR_CALL_ORDER_INVALID;
  }
  if (info->displayTime <= 0) {
    return XR_ERROR_TIME_INVALID;
  }
  const HmdConfig& hmd = s->instance->hmd;
  const char* blend = info->environmentBlendMode == XR_ENVIRONMENT_BLEND_MODE_OPAQUE     ? "opaque"
                      : info->environmentBlendMode == XR_ENVIRONMENT_BLEND_MODE_ADDITIVE ? "additive"
                      : info->environmentBlendMode == XR_ENVIRONMENT_BLEND_MODE_ALPHA_BLEND
                          ? "alpha_blend"
                          : "";
  if (std::find(hmd.blendModes.begin(), hmd.blendModes.end(), blend) == hmd.blendModes.end()) {
    return XR_ERROR_ENVIRONMENT_BLEND_MODE_UNSUPPORTED;
  }
  if (info->layerCount > XR_MIN_COMPOSITION_LAYERS_SUPPORTED) {
    return XR_ERROR_LAYER_LIMIT_EXCEEDED;
  }
  for (uint32_t i = 0; i < info->layerCount; ++i) {
    if (XrResult r = validateLayer(*s, info->layers[i]); XR_FAILED(r)) {
      XRSIM_ERROR("xrEndFrame: layer %u rejected (%d)", i, static_cast<int>(r));
      return r;
    }
  }
  Instance& instance = *s->instance;
  const uint64_t frame = s->begunFrameIndex;
  recordLayerStack(*s, *info, frame);
  if (!instance.captureDir.empty() &&
      (instance.captureAll || instance.captureFrames.count(frame) != 0)) {
    for (uint32_t i = 0; i < info->layerCount; ++i) {
      if (info->layers[i]->type == XR_TYPE_COMPOSITION_LAYER_PROJECTION) {
        // Alpha matters where the world shows through: a blended display,
        // or a layer blended over the layers beneath it (passthrough).
        captureProjection(*s, *reinterpret_cast<const XrCompositionLayerProjection*>(info->layers[i]),
                          frame,
                          info->environmentBlendMode != XR_ENVIRONMENT_BLEND_MODE_OPAQUE ||
                              (info->layers[i]->layerFlags &
                               XR_COMPOSITION_LAYER_BLEND_TEXTURE_SOURCE_ALPHA_BIT) != 0);
        break;
      }
    }
  }
  s->frameBegun = false;
  s->framesEnded++;
  advanceLifecycle(*s);
  return XR_SUCCESS;
}

}  // namespace

bool locateInStage(const Space& space, XrTime time, Pose& pose) {
  const Instance& instance = *space.session->instance;
  if (space.kind == SpaceKind::Reference) {
    switch (space.referenceType) {
      case XR_REFERENCE_SPACE_TYPE_VIEW:
        pose = compose(headPose(instance, time), space.offset);
        return true;
      case XR_REFERENCE_SPACE_TYPE_LOCAL:
        pose = compose(spaceOrigin(instance.localOrigins, time), space.offset);
        return true;
      default:
        pose = compose(spaceOrigin(instance.stageOrigins, time), space.offset);
        return true;
    }
  }
  // Action spaces follow the pose their action is bound to, while the action is active.
  const Session& s = *space.session;
  XrPath binding = XR_NULL_PATH;
  if (space.action == nullptr || !actionBoundToPose(s, *space.action, space.subactionPath, &binding)) {
    return false;
  }
  auto it = s.actionValues.find({space.action, space.subactionPath});
  if (it == s.actionValues.end() || !it->second.active) {
    return false;
  }
  const std::string& path = *pathString(instance, binding);
  const int side = path.rfind("/user/hand/right", 0) == 0 ? 1 : 0;
  HandSample hand = instance.script.hand(side, scriptSeconds(instance, time));
  const bool aim = path.find("/input/aim/pose") != std::string::npos;
  pose = compose(aim ? hand.aim : hand.grip, space.offset);
  return true;
}

Pose spaceOrigin(const std::vector<std::pair<XrTime, Pose>>& origins, XrTime time) {
  Pose origin;
  for (const auto& [from, pose] : origins) {
    if (from <= time) {
      origin = pose;
    }
  }
  return origin;
}

XrResult destroySession(Session* s) {
  Instance& instance = *s->instance;
  destroyPassthroughObjects(*s);
  for (Swapchain* sc : s->swapchains) {
    instance.implicitlyDestroyed["swapchain"]++;
    destroySwapchainImages(*sc);
    forget(sc);
    delete sc;  // NOLINT(cppcoreguidelines-owning-memory)
  }
  for (Space* sp : s->spaces) {
    instance.implicitlyDestroyed["space"]++;
    forget(sp);
    delete sp;  // NOLINT(cppcoreguidelines-owning-memory)
  }
  destroySessionVulkanObjects(*s);
  instance.sessions.erase(s);
  forget(s);
  delete s;  // NOLINT(cppcoreguidelines-owning-memory)
  return XR_SUCCESS;
}

PFN_xrVoidFunction sessionFunction(const char* name) {
#define XRSIM_ENTRY(fn)                               \
  if (std::strcmp(name, "xr" #fn) == 0) {             \
    return reinterpret_cast<PFN_xrVoidFunction>(&fn); \
  }
  XRSIM_ENTRY(CreateSession)
  XRSIM_ENTRY(DestroySession)
  XRSIM_ENTRY(BeginSession)
  XRSIM_ENTRY(EndSession)
  XRSIM_ENTRY(RequestExitSession)
  XRSIM_ENTRY(EnumerateReferenceSpaces)
  XRSIM_ENTRY(CreateReferenceSpace)
  XRSIM_ENTRY(GetReferenceSpaceBoundsRect)
  XRSIM_ENTRY(DestroySpace)
  XRSIM_ENTRY(LocateSpace)
  XRSIM_ENTRY(LocateViews)
  XRSIM_ENTRY(WaitFrame)
  XRSIM_ENTRY(BeginFrame)
  XRSIM_ENTRY(EndFrame)
#undef XRSIM_ENTRY
  return nullptr;
}

}  // namespace medverse::xrsim

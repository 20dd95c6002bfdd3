// XR_FB_passthrough, offered when the HMD is configured as a passthrough
// headset (hmd.passthrough / MEDVERSE_XRSIM_PASSTHROUGH=1). xrsim has no
// camera: it checks that the app drives the feature and its layers the way
// the extension says (valid handles, one feature per session, start/pause
// and resume/pause only from the opposite state, a layer composited only
// while it and its feature run, layers destroyed before their feature) and
// records what was submitted (MEDVERSE_XRSIM_REPORT: "passthrough",
// "layer_stacks").
#include <cstring>

#include "runtime.h"

namespace medverse::xrsim {

bool passthroughLayerRunning(const PassthroughLayer& layer, std::string& why) {
  if (layer.passthrough == nullptr) {
    why = "its XrPassthroughFB was destroyed";
    return false;
  }
  if (!layer.passthrough->running) {
    why = "its XrPassthroughFB is paused (xrPassthroughStartFB not called)";
    return false;
  }
  if (!layer.running) {
    why = "the layer is paused (xrPassthroughLayerResumeFB not called)";
    return false;
  }
  return true;
}

void notePassthroughMisuse(Instance& instance, const std::string& what) {
  XRSIM_ERROR("XR_FB_passthrough misuse: %s", what.c_str());
  if (instance.passthroughMisuse.size() < 16) {
    instance.passthroughMisuse.push_back(what);
  }
}

void destroyPassthroughObjects(Session& s) {
  Instance& instance = *s.instance;
  for (PassthroughLayer* layer : s.passthroughLayers) {
    instance.implicitlyDestroyed["passthrough_layer"]++;
    forget(layer);
    delete layer;  // NOLINT(cppcoreguidelines-owning-memory)
  }
  s.passthroughLayers.clear();
  if (s.passthrough != nullptr) {
    instance.implicitlyDestroyed["passthrough"]++;
    forget(s.passthrough);
    delete s.passthrough;  // NOLINT(cppcoreguidelines-owning-memory)
    s.passthrough = nullptr;
  }
}

namespace {

XrResult XRAPI_CALL CreatePassthroughFB(XrSession handle, const XrPassthroughCreateInfoFB* info,
                                        XrPassthroughFB* out) {
  std::lock_guard lock(runtime().mutex);
  Session* s = lookup<Session>(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || out == nullptr || info->type != XR_TYPE_PASSTHROUGH_CREATE_INFO_FB ||
      (info->flags & ~XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB) != 0) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (s->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  if (s->passthrough != nullptr) {
    notePassthroughMisuse(*s->instance, "xrCreatePassthroughFB twice on one session");
    return XR_ERROR_FEATURE_ALREADY_CREATED_PASSTHROUGH_FB;
  }
  auto* p = new Passthrough();  // NOLINT(cppcoreguidelines-owning-memory)
  p->session = s;
  p->running = (info->flags & XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB) != 0;
  s->passthrough = p;
  s->instance->passthroughsCreated++;
  s->instance->passthroughStarts += p->running ? 1 : 0;
  *out = toHandle<XrPassthroughFB>(p);
  return XR_SUCCESS;
}

XrResult XRAPI_CALL DestroyPassthroughFB(XrPassthroughFB handle) {
  std::lock_guard lock(runtime().mutex);
  Passthrough* p = lookup<Passthrough>(handle);
  if (p == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (!p->layers.empty()) {
    notePassthroughMisuse(*p->session->instance,
                          "xrDestroyPassthroughFB while " + std::to_string(p->layers.size()) +
                              " layer(s) made from it are alive (destroy the layers first)");
    for (PassthroughLayer* layer : p->layers) {
      layer->passthrough = nullptr;
    }
  }
  p->session->passthrough = nullptr;
  forget(p);
  delete p;  // NOLINT(cppcoreguidelines-owning-memory)
  return XR_SUCCESS;
}

XrResult setRunning(Passthrough* p, bool running) {
  if (p == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (p->session->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  if (p->running == running) {
    notePassthroughMisuse(*p->session->instance, running
                                                     ? "xrPassthroughStartFB while it runs"
                                                     : "xrPassthroughPauseFB while it is paused");
    return XR_ERROR_UNEXPECTED_STATE_PASSTHROUGH_FB;
  }
  p->running = running;
  p->session->instance->passthroughStarts += running ? 1 : 0;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL PassthroughStartFB(XrPassthroughFB handle) {
  std::lock_guard lock(runtime().mutex);
  return setRunning(lookup<Passthrough>(handle), true);
}

XrResult XRAPI_CALL PassthroughPauseFB(XrPassthroughFB handle) {
  std::lock_guard lock(runtime().mutex);
  return setRunning(lookup<Passthrough>(handle), false);
}

XrResult XRAPI_CALL CreatePassthroughLayerFB(XrSession handle,
                                             const XrPassthroughLayerCreateInfoFB* info,
                                             XrPassthroughLayerFB* out) {
  std::lock_guard lock(runtime().mutex);
  Session* s = lookup<Session>(handle);
  if (s == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (info == nullptr || out == nullptr || info->type != XR_TYPE_PASSTHROUGH_LAYER_CREATE_INFO_FB ||
      (info->flags & ~XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB) != 0) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (s->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  Passthrough* p = lookup<Passthrough>(info->passthrough);
  if (p == nullptr) {
    notePassthroughMisuse(*s->instance, "xrCreatePassthroughLayerFB with an invalid XrPassthroughFB");
    return XR_ERROR_HANDLE_INVALID;
  }
  if (p->session != s) {
    notePassthroughMisuse(*s->instance,
                          "xrCreatePassthroughLayerFB with the XrPassthroughFB of another session");
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (info->purpose == XR_PASSTHROUGH_LAYER_PURPOSE_PROJECTED_FB) {
    // Needs geometry instances (xrCreateGeometryInstanceFB), which xrsim lacks.
    return XR_ERROR_FEATURE_UNSUPPORTED;
  }
  if (info->purpose != XR_PASSTHROUGH_LAYER_PURPOSE_RECONSTRUCTION_FB) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  auto* layer = new PassthroughLayer();  // NOLINT(cppcoreguidelines-owning-memory)
  layer->session = s;
  layer->passthrough = p;
  layer->purpose = info->purpose;
  layer->running = (info->flags & XR_PASSTHROUGH_IS_RUNNING_AT_CREATION_BIT_FB) != 0;
  p->layers.insert(layer);
  s->passthroughLayers.insert(layer);
  s->instance->passthroughLayersCreated++;
  *out = toHandle<XrPassthroughLayerFB>(layer);
  return XR_SUCCESS;
}

XrResult XRAPI_CALL DestroyPassthroughLayerFB(XrPassthroughLayerFB handle) {
  std::lock_guard lock(runtime().mutex);
  PassthroughLayer* layer = lookup<PassthroughLayer>(handle);
  if (layer == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (layer->passthrough != nullptr) {
    layer->passthrough->layers.erase(layer);
  }
  layer->session->passthroughLayers.erase(layer);
  forget(layer);
  delete layer;  // NOLINT(cppcoreguidelines-owning-memory)
  return XR_SUCCESS;
}

XrResult setLayerRunning(PassthroughLayer* layer, bool running) {
  if (layer == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (layer->session->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  if (layer->running == running) {
    notePassthroughMisuse(*layer->session->instance,
                          running ? "xrPassthroughLayerResumeFB while the layer runs"
                                  : "xrPassthroughLayerPauseFB while the layer is paused");
    return XR_ERROR_UNEXPECTED_STATE_PASSTHROUGH_FB;
  }
  layer->running = running;
  return XR_SUCCESS;
}

XrResult XRAPI_CALL PassthroughLayerPauseFB(XrPassthroughLayerFB handle) {
  std::lock_guard lock(runtime().mutex);
  return setLayerRunning(lookup<PassthroughLayer>(handle), false);
}

XrResult XRAPI_CALL PassthroughLayerResumeFB(XrPassthroughLayerFB handle) {
  std::lock_guard lock(runtime().mutex);
  return setLayerRunning(lookup<PassthroughLayer>(handle), true);
}

XrResult XRAPI_CALL PassthroughLayerSetStyleFB(XrPassthroughLayerFB handle,
                                               const XrPassthroughStyleFB* style) {
  std::lock_guard lock(runtime().mutex);
  PassthroughLayer* layer = lookup<PassthroughLayer>(handle);
  if (layer == nullptr) {
    return XR_ERROR_HANDLE_INVALID;
  }
  if (style == nullptr || style->type != XR_TYPE_PASSTHROUGH_STYLE_FB ||
      !(style->textureOpacityFactor >= 0.0F && style->textureOpacityFactor <= 1.0F)) {
    return XR_ERROR_VALIDATION_FAILURE;
  }
  if (layer->session->lost) {
    return XR_ERROR_SESSION_LOST;
  }
  return XR_SUCCESS;
}

}  // namespace

PFN_xrVoidFunction passthroughFunction(const char* name) {
#define XRSIM_ENTRY(fn)                               \
  if (std::strcmp(name, "xr" #fn) == 0) {             \
    return reinterpret_cast<PFN_xrVoidFunction>(&fn); \
  }
  XRSIM_ENTRY(CreatePassthroughFB)
  XRSIM_ENTRY(DestroyPassthroughFB)
  XRSIM_ENTRY(PassthroughStartFB)
  XRSIM_ENTRY(PassthroughPauseFB)
  XRSIM_ENTRY(CreatePassthroughLayerFB)
  XRSIM_ENTRY(DestroyPassthroughLayerFB)
  XRSIM_ENTRY(PassthroughLayerPauseFB)
  XRSIM_ENTRY(PassthroughLayerResumeFB)
  XRSIM_ENTRY(PassthroughLayerSetStyleFB)
#undef XRSIM_ENTRY
  return nullptr;
}

}  // namespace medverse::xrsim

// xrsim answers like a conformant runtime where the specification is strict
// (docs/XR.md): here the naming rules of xrCreateActionSet and xrCreateAction,
// called through the real loader. The core validation layer is left out of
// this case: the answers checked are the runtime's own.
#include <doctest/doctest.h>
#include <openxr/openxr.h>

#include <cstdlib>
#include <cstring>
#include <string>

#include "xr_test_support.h"

using namespace medverse::test;

namespace {

template <size_t N>
void copyName(char (&to)[N], const std::string& from) {
  REQUIRE(from.size() < N);
  std::memcpy(to, from.c_str(), from.size() + 1);
}

}  // namespace

TEST_CASE("xrsim refuses action set and action names the specification forbids, and duplicates") {
  (void)freshXrDir("xrsim_names");
  // Put back at the end for the cases that run after this one in the process.
  const char* layers = std::getenv("XR_ENABLE_API_LAYERS");  // NOLINT(concurrency-mt-unsafe)
  const std::string savedLayers = layers != nullptr ? layers : "";
  ::unsetenv("XR_ENABLE_API_LAYERS");  // NOLINT(concurrency-mt-unsafe): before any XR call
  XrInstanceCreateInfo create{XR_TYPE_INSTANCE_CREATE_INFO};
  copyName(create.applicationInfo.applicationName, "xrsim names");
  create.applicationInfo.apiVersion = XR_CURRENT_API_VERSION;
  XrInstance instance = XR_NULL_HANDLE;
  REQUIRE(xrCreateInstance(&create, &instance) == XR_SUCCESS);

  auto makeSet = [&](const std::string& name, const std::string& localized) {
    XrActionSetCreateInfo info{XR_TYPE_ACTION_SET_CREATE_INFO};
    copyName(info.actionSetName, name);
    copyName(info.localizedActionSetName, localized);
    XrActionSet set = XR_NULL_HANDLE;
    return std::pair{xrCreateActionSet(instance, &info, &set), set};
  };
  const auto [made, set] = makeSet("consult", "Consult");
  REQUIRE(made == XR_SUCCESS);
  CHECK(makeSet("Consult Room", "Room").first == XR_ERROR_PATH_FORMAT_INVALID);
  CHECK(makeSet("room", "").first == XR_ERROR_LOCALIZED_NAME_INVALID);
  CHECK(makeSet("consult", "Another").first == XR_ERROR_NAME_DUPLICATED);
  CHECK(makeSet("another", "Consult").first == XR_ERROR_LOCALIZED_NAME_DUPLICATED);

  auto makeAction = [&](const std::string& name, const std::string& localized) {
    XrActionCreateInfo info{XR_TYPE_ACTION_CREATE_INFO};
    copyName(info.actionName, name);
    copyName(info.localizedActionName, localized);
    info.actionType = XR_ACTION_TYPE_BOOLEAN_INPUT;
    XrAction action = XR_NULL_HANDLE;
    return xrCreateAction(set, &info, &action);
  };
  REQUIRE(makeAction("grab", "Grab") == XR_SUCCESS);
  CHECK(makeAction("grab/left", "Grab left") == XR_ERROR_PATH_FORMAT_INVALID);
  CHECK(makeAction("select", "") == XR_ERROR_LOCALIZED_NAME_INVALID);
  CHECK(makeAction("grab", "Squeeze") == XR_ERROR_NAME_DUPLICATED);
  CHECK(makeAction("squeeze", "Grab") == XR_ERROR_LOCALIZED_NAME_DUPLICATED);
  CHECK(makeAction("select", "Select") == XR_SUCCESS);

  CHECK(xrDestroyInstance(instance) == XR_SUCCESS);
  if (!savedLayers.empty()) {
    setEnv("XR_ENABLE_API_LAYERS", savedLayers);
  }
}

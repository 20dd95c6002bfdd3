#pragma once
// The consult room's controls, built from plain app state and reporting plain
// actions: the desktop overlay (participants, case, hologram controls, frame
// stats) and the same hologram controls on an in-world panel. The world layer
// fills OverlayState each frame and turns UiActions into intents; this layer
// knows nothing of actors, roles' permissions or the network.
#include <array>
#include <cstdint>
#include <glm/vec2.hpp>
#include <glm/vec3.hpp>
#include <glm/vec4.hpp>
#include <optional>
#include <string>
#include <vector>

namespace medverse::ui {

struct Participant {
  std::string name;
  std::string role;              // shown as written: "expert", "doctor", ...
  uint32_t color = 0xFFFFFFFFU;  // the role colour, IM_COL32 (sRGB, red in the low byte)
  bool local = false;            // this is you
  bool hasControl = false;       // may manipulate the hologram now
  bool watching = false;         // a spectator: listed, but has no avatar in the room
  bool selected = false;         // picked for a grant or revoke (desktop: P, then K)
};

struct CaseSummary {
  std::string title;     // de-identified case name
  std::string modality;  // "CT", "MR"
  glm::ivec3 dimensions{0};
  glm::vec3 spacingMm{0.0F};
};

struct ClipPlaneControl {
  std::string name;  // "Axial cut", ...
  bool enabled = false;
  float offsetMm = 0.0F;   // along the plane's normal from the volume's centre
  float rangeMm = 100.0F;  // the slider covers -range..+range
};

struct SliceControl {
  std::string name;  // "Axial", "Coronal", "Sagittal"
  bool visible = false;
  float position = 0.5F;  // 0..1 through the volume
};

struct FrameSummary {
  float frameMs = 0.0F;
  uint32_t drawCalls = 0;
  uint64_t triangles = 0;
  std::string device;
  uint32_t volumes = 0;  // volume instances ray-marched
};

struct OverlayState {
  std::vector<Participant> participants;
  std::optional<CaseSummary> caseSummary;
  std::vector<std::string> presets;  // transfer-function presets, e.g. "CT bone"
  int activePreset = -1;
  bool hasSurfaces = false;    // the case has surfaces (e.g. atlas structures) to show
  bool surfacesShown = false;
  std::vector<ClipPlaneControl> clipPlanes;
  std::array<SliceControl, 3> slices{SliceControl{"Axial"}, SliceControl{"Coronal"},
                                     SliceControl{"Sagittal"}};
  FrameSummary frame;
  // False for a spectator, or a trainee without control: the hologram
  // controls are shown greyed out and emit nothing.
  bool canEdit = true;
};

// What the user did this frame; the app maps each to an intent.
struct UiAction {
  enum class Kind {
    SelectPreset,         // index: preset
    SetClipPlaneEnabled,  // index: plane, value: 0 or 1
    SetClipPlaneOffset,   // index: plane, value: mm
    SetSliceVisible,      // index: 0 axial, 1 coronal, 2 sagittal; value: 0 or 1
    SetSlicePosition,     // index: slice, value: 0..1
    SetSurfacesShown,     // value: 0 or 1
  };
  Kind kind = Kind::SelectPreset;
  int index = 0;
  float value = 0.0F;
};

struct OverlayResult {
  std::vector<UiAction> actions;
  // Where the overlay's windows are (x0, y0, x1, y1, pixels): the rest of the
  // screen shows the room untouched.
  std::vector<glm::vec4> windowRects;
};

// Builds the desktop overlay inside the current UiContext frame.
OverlayResult buildOverlay(const OverlayState& state, glm::vec2 displaySize);

// Where the hologram panel's widgets were laid out (x0, y0, x1, y1, the
// panel's pixels): what a pointer must hit to press them.
struct HologramPanelLayout {
  std::vector<glm::vec4> presetButtons;  // one per OverlayState::presets
};

// Builds the hologram controls as one window filling an in-world panel of
// `displaySize` pixels, inside the current UiContext frame; `layout`, when
// given, receives where the widgets are.
std::vector<UiAction> buildHologramPanel(const OverlayState& state, glm::vec2 displaySize,
                                         HologramPanelLayout* layout = nullptr);

// "42.0 mm": one decimal, as every measurement in MedVerse is shown.
std::string formatMillimetres(float millimetres);

}  // namespace medverse::ui

#pragma once
// The look of every MedVerse UI: dark, calm, high-contrast text, one blue
// accent; nothing decorative competes with the anatomy.
#include <imgui.h>

namespace medverse::ui {

void applyClinicalStyle(ImGuiStyle& style);

}  // namespace medverse::ui

#include "ui_style.h"

namespace medverse::ui {

void applyClinicalStyle(ImGuiStyle& style) {
  ImGui::StyleColorsDark(&style);
  style.WindowRounding = 6.0F;
  style.ChildRounding = 4.0F;
  style.FrameRounding = 4.0F;
  style.GrabRounding = 4.0F;
  style.PopupRounding = 4.0F;
  style.WindowBorderSize = 1.0F;
  style.FrameBorderSize = 0.0F;
  style.WindowPadding = ImVec2(12.0F, 10.0F);
  style.FramePadding = ImVec2(8.0F, 4.0F);
  style.ItemSpacing = ImVec2(8.0F, 6.0F);
  style.WindowTitleAlign = ImVec2(0.0F, 0.5F);

  ImVec4* c = style.Colors;
  const ImVec4 accent(0.25F, 0.55F, 0.85F, 1.0F);  // calm clinical blue
  const ImVec4 accentHover(0.33F, 0.63F, 0.92F, 1.0F);
  const ImVec4 accentActive(0.20F, 0.47F, 0.76F, 1.0F);
  c[ImGuiCol_Text] = ImVec4(0.93F, 0.95F, 0.97F, 1.0F);
  c[ImGuiCol_TextDisabled] = ImVec4(0.55F, 0.60F, 0.66F, 1.0F);
  c[ImGuiCol_WindowBg] = ImVec4(0.07F, 0.09F, 0.11F, 0.94F);
  c[ImGuiCol_ChildBg] = ImVec4(0.10F, 0.12F, 0.15F, 1.0F);
  c[ImGuiCol_PopupBg] = ImVec4(0.08F, 0.10F, 0.12F, 0.98F);
  c[ImGuiCol_Border] = ImVec4(0.24F, 0.30F, 0.37F, 0.80F);
  c[ImGuiCol_FrameBg] = ImVec4(0.14F, 0.17F, 0.21F, 1.0F);
  c[ImGuiCol_FrameBgHovered] = ImVec4(0.19F, 0.23F, 0.29F, 1.0F);
  c[ImGuiCol_FrameBgActive] = ImVec4(0.22F, 0.27F, 0.34F, 1.0F);
  c[ImGuiCol_TitleBg] = ImVec4(0.09F, 0.12F, 0.16F, 1.0F);
  c[ImGuiCol_TitleBgActive] = ImVec4(0.11F, 0.16F, 0.22F, 1.0F);
  c[ImGuiCol_TitleBgCollapsed] = c[ImGuiCol_TitleBg];
  c[ImGuiCol_CheckMark] = accentHover;
  c[ImGuiCol_SliderGrab] = accent;
  c[ImGuiCol_SliderGrabActive] = accentHover;
  c[ImGuiCol_Button] = ImVec4(0.17F, 0.24F, 0.32F, 1.0F);
  c[ImGuiCol_ButtonHovered] = accent;
  c[ImGuiCol_ButtonActive] = accentActive;
  c[ImGuiCol_Header] = ImVec4(0.16F, 0.22F, 0.30F, 1.0F);
  c[ImGuiCol_HeaderHovered] = ImVec4(0.21F, 0.32F, 0.45F, 1.0F);
  c[ImGuiCol_HeaderActive] = accentActive;
  c[ImGuiCol_Separator] = c[ImGuiCol_Border];
  c[ImGuiCol_TableHeaderBg] = ImVec4(0.12F, 0.15F, 0.19F, 1.0F);
  c[ImGuiCol_TableRowBgAlt] = ImVec4(1.0F, 1.0F, 1.0F, 0.03F);
}

}  // namespace medverse::ui

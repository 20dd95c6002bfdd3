#include "medverse/ui/ui_context.h"

#include <algorithm>
#include <cfloat>
#include <cstdint>
#include <span>
#include <string>
#include <system_error>

#include "medverse/core/log.h"
#include "medverse/render/renderer.h"
#include "ui_style.h"

namespace medverse::ui {

ImTextureID textureId(render::UiTextureHandle handle) {
  // 0 means "no texture" to ImGui, so ids are handle + 1.
  return reinterpret_cast<ImTextureID>(static_cast<intptr_t>(handle.index) + 1);  // NOLINT
}

namespace {

render::UiTextureHandle handleFromId(ImTextureID id) {
  const auto value = reinterpret_cast<intptr_t>(id);  // NOLINT(*-reinterpret-cast)
  return value <= 0 ? render::UiTextureHandle{}
                    : render::UiTextureHandle{static_cast<uint32_t>(value - 1)};
}

bool fileExists(const std::filesystem::path& path) {
  std::error_code ec;
  return std::filesystem::is_regular_file(path, ec);
}

}  // namespace

Result<std::unique_ptr<UiFonts>> UiFonts::create(render::Renderer& renderer,
                                                 const UiFontOptions& options) {
  std::unique_ptr<UiFonts> fonts(new UiFonts());
  fonts->atlas_ = std::make_unique<ImFontAtlas>();
  ImFontAtlas& atlas = *fonts->atlas_;
  atlas.Flags |= ImFontAtlasFlags_NoMouseCursors;
  // Checked first: ImGui asserts on a missing font file.
  if (fileExists(options.regular) && fileExists(options.bold)) {
    ImFontConfig config;
    config.OversampleH = 2;
    config.OversampleV = 2;
    fonts->body_ = atlas.AddFontFromFileTTF(options.regular.c_str(), options.bodyPixels, &config);
    fonts->heading_ =
        atlas.AddFontFromFileTTF(options.bold.c_str(), options.headingPixels, &config);
    config.OversampleH = 1;
    config.OversampleV = 1;
    fonts->label_ = atlas.AddFontFromFileTTF(options.bold.c_str(), options.labelPixels, &config);
    fonts->trueType_ =
        fonts->body_ != nullptr && fonts->heading_ != nullptr && fonts->label_ != nullptr;
  }
  if (!fonts->trueType_) {
    log::get("ui")->warn(
        "fonts {} / {} not found (Debian: fonts-dejavu-core); using ImGui's bitmap font",
        options.regular.string(), options.bold.string());
    atlas.Clear();
    ImFontConfig config;
    config.SizePixels = 13.0F;
    fonts->body_ = atlas.AddFontDefault(&config);
    fonts->heading_ = fonts->body_;
    config.SizePixels = 26.0F;
    fonts->label_ = atlas.AddFontDefault(&config);
  }
  unsigned char* pixels = nullptr;
  int width = 0;
  int height = 0;
  atlas.GetTexDataAsRGBA32(&pixels, &width, &height);
  if (pixels == nullptr || width <= 0 || height <= 0) {
    return makeError("could not build the UI font atlas");
  }
  const size_t bytes = static_cast<size_t>(width) * static_cast<size_t>(height) * 4;
  Result<render::UiTextureHandle> texture =
      renderer.uploadUiTexture(static_cast<uint32_t>(width), static_cast<uint32_t>(height),
                               std::span<const uint8_t>(pixels, bytes));
  if (!texture) {
    return makeError("cannot upload the UI font atlas: " + texture.error().message);
  }
  fonts->texture_ = *texture;
  atlas.SetTexID(textureId(*texture));
  return fonts;
}

UiFonts::~UiFonts() = default;

UiContext::UiContext(UiFonts& fonts) : fonts_(fonts) {
  ImGuiContext* previous = ImGui::GetCurrentContext();
  context_ = ImGui::CreateContext(fonts.atlas());
  ImGui::SetCurrentContext(context_);
  ImGuiIO& io = ImGui::GetIO();
  io.IniFilename = nullptr;  // layouts come from code, not from a file in the cwd
  io.LogFilename = nullptr;
  io.BackendRendererName = "medverse::render::UiPass";
  io.BackendFlags |= ImGuiBackendFlags_RendererHasVtxOffset;
  io.FontDefault = fonts.body();
  applyClinicalStyle(ImGui::GetStyle());
  ImGui::SetCurrentContext(previous);
}

UiContext::~UiContext() {
  ImGui::DestroyContext(context_);
}

void UiContext::beginFrame(glm::vec2 displaySize, float deltaSeconds, const PointerInput& pointer) {
  ImGui::SetCurrentContext(context_);
  ImGuiIO& io = ImGui::GetIO();
  io.DisplaySize = ImVec2(std::max(displaySize.x, 1.0F), std::max(displaySize.y, 1.0F));
  io.DeltaTime = std::max(deltaSeconds, 1e-4F);
  io.MousePos =
      pointer.inside ? ImVec2(pointer.position.x, pointer.position.y) : ImVec2(-FLT_MAX, -FLT_MAX);
  io.MouseDown[0] = pointer.inside && pointer.primaryDown;
  io.MouseWheel = pointer.inside ? pointer.wheel : 0.0F;
  ImGui::NewFrame();
}

render::UiDrawData UiContext::endFrame() {
  ImGui::SetCurrentContext(context_);
  ImGui::Render();
  return convertDrawData(*ImGui::GetDrawData());
}

bool UiContext::wantsPointer() const {
  ScopedContext scope(*this);
  return ImGui::GetIO().WantCaptureMouse;
}

render::UiDrawData convertDrawData(const ImDrawData& drawData) {
  render::UiDrawData out;
  out.displaySize = {drawData.DisplaySize.x, drawData.DisplaySize.y};
  const glm::vec2 origin{drawData.DisplayPos.x, drawData.DisplayPos.y};
  out.vertices.reserve(static_cast<size_t>(std::max(drawData.TotalVtxCount, 0)));
  out.indices.reserve(static_cast<size_t>(std::max(drawData.TotalIdxCount, 0)));
  for (int l = 0; l < drawData.CmdListsCount; ++l) {
    const ImDrawList& list = *drawData.CmdLists[l];
    const auto baseVertex = static_cast<uint32_t>(out.vertices.size());
    const auto baseIndex = static_cast<uint32_t>(out.indices.size());
    for (const ImDrawVert& v : list.VtxBuffer) {
      out.vertices.push_back({glm::vec2(v.pos.x, v.pos.y) - origin, {v.uv.x, v.uv.y}, v.col});
    }
    for (ImDrawIdx i : list.IdxBuffer) {
      out.indices.push_back(i);
    }
    for (const ImDrawCmd& cmd : list.CmdBuffer) {
      if (cmd.UserCallback != nullptr || cmd.ElemCount == 0) {
        continue;  // callbacks would be renderer-specific; MedVerse uses none
      }
      render::UiDrawCommand c;
      c.clipRect = {cmd.ClipRect.x - origin.x, cmd.ClipRect.y - origin.y, cmd.ClipRect.z - origin.x,
                    cmd.ClipRect.w - origin.y};
      c.texture = handleFromId(cmd.TextureId);
      c.indexOffset = baseIndex + cmd.IdxOffset;
      c.indexCount = cmd.ElemCount;
      c.vertexOffset = baseVertex + cmd.VtxOffset;
      out.commands.push_back(c);
    }
  }
  return out;
}

}  // namespace medverse::ui

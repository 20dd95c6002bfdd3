#include "window_output.h"

#ifdef MEDVERSE_HAS_DESKTOP

namespace medverse::app {

Result<WindowOutput> openWindowOutput(const WindowOutputOptions& options) {
  WindowOutput out;
  platform::WindowOptions windowOptions;
  windowOptions.title = options.title;
  windowOptions.width = options.width;
  windowOptions.height = options.height;
  Result<std::unique_ptr<platform::Window>> window = platform::Window::create(windowOptions);
  if (!window) {
    return window.error();
  }
  out.window = std::move(*window);
  render::ContextOptions contextOptions;
  contextOptions.validation = options.validation;
  contextOptions.instanceExtensions = out.window->requiredVulkanExtensions();
  contextOptions.deviceExtensions = {VK_KHR_SWAPCHAIN_EXTENSION_NAME};
  Result<std::unique_ptr<render::Context>> context = render::Context::create(contextOptions);
  if (!context) {
    return context.error();
  }
  out.context = std::move(*context);
  Result<std::unique_ptr<render::Renderer>> renderer = render::Renderer::create(*out.context);
  if (!renderer) {
    return renderer.error();
  }
  out.renderer = std::move(*renderer);
  Result<VkSurfaceKHR> surface = out.window->createSurface(out.context->instance());
  if (!surface) {
    return surface.error();
  }
  const platform::FramebufferSize size = out.window->framebufferSize();
  render::SwapchainOptions swapchainOptions;
  swapchainOptions.vsync = options.vsync;
  swapchainOptions.allowScreenshots = options.screenshots;
  Result<std::unique_ptr<render::SwapchainTarget>> swapchain = render::SwapchainTarget::create(
      *out.context, *surface, {size.width, size.height}, swapchainOptions);
  if (!swapchain) {
    return swapchain.error();
  }
  out.swapchain = std::move(*swapchain);
  return out;
}

}  // namespace medverse::app

#endif  // MEDVERSE_HAS_DESKTOP

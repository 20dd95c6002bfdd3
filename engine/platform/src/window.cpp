#include "medverse/platform/window.h"

#define GLFW_INCLUDE_VULKAN
#include <GLFW/glfw3.h>

#include <algorithm>
#include <mutex>
#include <string>

namespace medverse::platform {
namespace {

std::mutex g_glfwMutex;
int g_glfwUsers = 0;

std::string lastGlfwError() {
  const char* description = nullptr;
  const int code = glfwGetError(&description);
  if (code == GLFW_NO_ERROR) {
    return "unknown GLFW error";
  }
  return description != nullptr ? description : ("GLFW error " + std::to_string(code));
}

Window* self(GLFWwindow* w) {
  return static_cast<Window*>(glfwGetWindowUserPointer(w));
}

void keyCallback(GLFWwindow* w, int key, int /*scancode*/, int action, int /*mods*/) {
  self(w)->onKey(key, action);
}
void mouseButtonCallback(GLFWwindow* w, int button, int action, int /*mods*/) {
  self(w)->onMouseButton(button, action);
}
void cursorCallback(GLFWwindow* w, double x, double y) {
  self(w)->onCursor(x, y);
}
void scrollCallback(GLFWwindow* w, double dx, double dy) {
  self(w)->onScroll(dx, dy);
}
void charCallback(GLFWwindow* w, unsigned int codepoint) {
  self(w)->onChar(codepoint);
}
void enterCallback(GLFWwindow* w, int entered) {
  self(w)->onCursorEnter(entered == GLFW_TRUE);
}

}  // namespace

Result<std::unique_ptr<Window>> Window::create(const WindowOptions& options) {
  if (options.width == 0 || options.height == 0) {
    return makeError("window size " + std::to_string(options.width) + "x" +
                     std::to_string(options.height) + " is empty");
  }
  {
    std::lock_guard lock(g_glfwMutex);
    if (g_glfwUsers == 0) {
      if (glfwInit() != GLFW_TRUE) {
        return makeError("cannot open a window: " + lastGlfwError() +
                         " (is there a display? DISPLAY must name an X server)");
      }
    }
    ++g_glfwUsers;
  }
  std::unique_ptr<Window> window(new Window());  // from here on ~Window releases GLFW
  if (glfwVulkanSupported() != GLFW_TRUE) {
    return makeError(
        "cannot open a Vulkan window: GLFW found no Vulkan loader with surface support");
  }
  glfwWindowHint(GLFW_CLIENT_API, GLFW_NO_API);
  glfwWindowHint(GLFW_RESIZABLE, options.resizable ? GLFW_TRUE : GLFW_FALSE);
  window->window_ =
      glfwCreateWindow(static_cast<int>(options.width), static_cast<int>(options.height),
                       options.title.c_str(), nullptr, nullptr);
  if (window->window_ == nullptr) {
    return makeError("cannot create a " + std::to_string(options.width) + "x" +
                     std::to_string(options.height) + " window: " + lastGlfwError());
  }
  GLFWwindow* w = window->window_;
  glfwSetWindowUserPointer(w, window.get());
  glfwSetKeyCallback(w, keyCallback);
  glfwSetMouseButtonCallback(w, mouseButtonCallback);
  glfwSetCursorPosCallback(w, cursorCallback);
  glfwSetScrollCallback(w, scrollCallback);
  glfwSetCharCallback(w, charCallback);
  glfwSetCursorEnterCallback(w, enterCallback);
  double x = 0;
  double y = 0;
  glfwGetCursorPos(w, &x, &y);
  window->pending_.cursorX = x;
  window->pending_.cursorY = y;
  window->cursorKnown_ = true;
  return window;
}

Window::~Window() {
  if (window_ != nullptr) {
    glfwDestroyWindow(window_);
  }
  std::lock_guard lock(g_glfwMutex);
  if (--g_glfwUsers == 0) {
    glfwTerminate();
  }
}

std::vector<std::string> Window::requiredVulkanExtensions() const {
  uint32_t count = 0;
  const char** names = glfwGetRequiredInstanceExtensions(&count);
  std::vector<std::string> out;
  for (uint32_t i = 0; i < count; ++i) {
    out.emplace_back(names[i]);
  }
  return out;
}

Result<VkSurfaceKHR> Window::createSurface(VkInstance instance) const {
  VkSurfaceKHR surface = VK_NULL_HANDLE;
  const VkResult r = glfwCreateWindowSurface(instance, window_, nullptr, &surface);
  if (r != VK_SUCCESS) {
    return makeError("cannot create a Vulkan surface for the window (VkResult " +
                     std::to_string(static_cast<int>(r)) + "): " + lastGlfwError());
  }
  return surface;
}

void Window::publishEvents() {
  // Callbacks gathered events into pending_ since the last frame (GLFW calls
  // them from inside poll and wait); this frame sees them all, and the
  // per-frame fields start empty again while the held-down state carries over.
  input_ = pending_;
  pending_.cursorDeltaX = pending_.cursorDeltaY = 0.0;
  pending_.scrollX = pending_.scrollY = 0.0;
  pending_.mousePressed.fill(false);
  pending_.mouseReleased.fill(false);
  pending_.keyPressed.fill(false);
  pending_.text.clear();
}

const InputState& Window::pollEvents() {
  glfwPollEvents();
  publishEvents();
  return input_;
}

const InputState& Window::waitEvents() {
  glfwWaitEvents();
  publishEvents();
  return input_;
}

bool Window::shouldClose() const {
  return glfwWindowShouldClose(window_) == GLFW_TRUE;
}

void Window::requestClose() {
  glfwSetWindowShouldClose(window_, GLFW_TRUE);
}

FramebufferSize Window::framebufferSize() const {
  int w = 0;
  int h = 0;
  glfwGetFramebufferSize(window_, &w, &h);
  return {static_cast<uint32_t>(std::max(w, 0)), static_cast<uint32_t>(std::max(h, 0))};
}

void Window::setSize(uint32_t width, uint32_t height) {
  glfwSetWindowSize(window_, static_cast<int>(width), static_cast<int>(height));
}

void Window::setTitle(const std::string& title) {
  glfwSetWindowTitle(window_, title.c_str());
}

void Window::onKey(int key, int action) {
  if (key < 0 || static_cast<size_t>(key) >= kKeyCount) {
    return;  // GLFW_KEY_UNKNOWN and keys beyond the table
  }
  const auto i = static_cast<size_t>(key);
  if (action == GLFW_PRESS || action == GLFW_REPEAT) {
    pending_.keyDown[i] = true;
    pending_.keyPressed[i] = true;
  } else if (action == GLFW_RELEASE) {
    pending_.keyDown[i] = false;
  }
}

void Window::onMouseButton(int button, int action) {
  size_t i = 0;
  switch (button) {
    case GLFW_MOUSE_BUTTON_LEFT:
      i = static_cast<size_t>(MouseButton::Left);
      break;
    case GLFW_MOUSE_BUTTON_RIGHT:
      i = static_cast<size_t>(MouseButton::Right);
      break;
    case GLFW_MOUSE_BUTTON_MIDDLE:
      i = static_cast<size_t>(MouseButton::Middle);
      break;
    default:
      return;
  }
  if (action == GLFW_PRESS) {
    pending_.mouseDown[i] = true;
    pending_.mousePressed[i] = true;
  } else if (action == GLFW_RELEASE) {
    pending_.mouseDown[i] = false;
    pending_.mouseReleased[i] = true;
  }
}

void Window::onCursor(double x, double y) {
  if (cursorKnown_) {
    pending_.cursorDeltaX += x - pending_.cursorX;
    pending_.cursorDeltaY += y - pending_.cursorY;
  }
  pending_.cursorX = x;
  pending_.cursorY = y;
  cursorKnown_ = true;
}

void Window::onScroll(double dx, double dy) {
  pending_.scrollX += dx;
  pending_.scrollY += dy;
}

void Window::onChar(unsigned int codepoint) {
  pending_.text.push_back(static_cast<char32_t>(codepoint));
}

void Window::onCursorEnter(bool entered) {
  pending_.cursorInWindow = entered;
}

}  // namespace medverse::platform

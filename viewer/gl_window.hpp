// A GLFW window with an OpenGL 3 context and ImGui bound to it. In headless
// mode the window stays invisible and frames are drawn into an offscreen
// framebuffer of the requested size, so a screenshot does not depend on the
// (virtual) screen's size or on a window manager.
#pragma once

#include <string>

struct GLFWwindow;

namespace firmsim::view {

struct WindowOptions {
  int width = 1600, height = 1000;
  bool headless = false;
  std::string title = "firmsim viewer";
};

class GlWindow {
 public:
  explicit GlWindow(const WindowOptions& options);  // throws std::runtime_error
  ~GlWindow();
  GlWindow(const GlWindow&) = delete;
  GlWindow& operator=(const GlWindow&) = delete;

  bool should_close() const;
  // Waits for input at most `seconds` (0 = just poll).
  void wait_events(double seconds) const;
  // Starts an ImGui frame; returns the size to lay the UI out in.
  void begin_frame(float& width, float& height);
  void render();   // draws the ImGui frame into the framebuffer
  void present();  // shows it (no-op headless)
  // Writes the frame last rendered, as RGB PNG; "" on success, else the reason.
  std::string save_png(const std::string& path) const;

 private:
  void create_offscreen();
  WindowOptions options_;
  GLFWwindow* window_ = nullptr;
  unsigned fbo_ = 0, colour_ = 0;
};

}  // namespace firmsim::view

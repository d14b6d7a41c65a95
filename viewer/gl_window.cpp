#define GL_GLEXT_PROTOTYPES 1
#include "viewer/gl_window.hpp"

#include <GL/gl.h>
#include <GL/glext.h>
#include <GLFW/glfw3.h>
#include <imgui.h>
#include <imgui_impl_glfw.h>
#include <imgui_impl_opengl3.h>
#include <stb_image_write.h>

#include <unistd.h>

#include <cfloat>
#include <stdexcept>
#include <vector>

namespace firmsim::view {

namespace {

void glfw_error(int code, const char* text) { std::fprintf(stderr, "firmsim-viewer: GLFW error %d: %s\n", code, text); }

// DejaVu Sans (Debian fonts-dejavu-core) where installed: the seed tables'
// labels use U+2206 (increment), which ImGui's built-in font lacks.
void load_font() {
  const char* path = "/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf";
  if (access(path, R_OK) != 0) return;
  static const ImWchar ranges[] = {0x0020, 0x00FF, 0x2206, 0x2206, 0};
  ImGui::GetIO().Fonts->AddFontFromFileTTF(path, 14.0f, nullptr, ranges);
}

}  // namespace

GlWindow::GlWindow(const WindowOptions& options) : options_(options) {
  glfwSetErrorCallback(glfw_error);
  if (!glfwInit()) throw std::runtime_error("cannot open a window: no display (set DISPLAY, or run under xvfb-run -a)");
  glfwWindowHint(GLFW_CONTEXT_VERSION_MAJOR, 3);
  glfwWindowHint(GLFW_CONTEXT_VERSION_MINOR, 0);
  if (options_.headless) glfwWindowHint(GLFW_VISIBLE, GLFW_FALSE);
  window_ = glfwCreateWindow(options_.width, options_.height, options_.title.c_str(), nullptr, nullptr);
  if (!window_) {
    glfwTerminate();
    throw std::runtime_error("cannot create an OpenGL 3.0 window (is libgl1-mesa-dri installed?)");
  }
  glfwMakeContextCurrent(window_);
  glfwSwapInterval(1);
  IMGUI_CHECKVERSION();
  ImGui::CreateContext();
  ImGui::GetIO().IniFilename = nullptr;  // the tiled layout is the layout; leave no imgui.ini behind
  ImGui::StyleColorsDark();
  load_font();
  ImGui_ImplGlfw_InitForOpenGL(window_, true);
  ImGui_ImplOpenGL3_Init("#version 130");
  if (options_.headless) create_offscreen();
}

GlWindow::~GlWindow() {
  if (fbo_) glDeleteFramebuffers(1, &fbo_);
  if (colour_) glDeleteRenderbuffers(1, &colour_);
  ImGui_ImplOpenGL3_Shutdown();
  ImGui_ImplGlfw_Shutdown();
  ImGui::DestroyContext();
  glfwDestroyWindow(window_);
  glfwTerminate();
}

void GlWindow::create_offscreen() {
  glGenRenderbuffers(1, &colour_);
  glBindRenderbuffer(GL_RENDERBUFFER, colour_);
  glRenderbufferStorage(GL_RENDERBUFFER, GL_RGBA8, options_.width, options_.height);
  glGenFramebuffers(1, &fbo_);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glFramebufferRenderbuffer(GL_FRAMEBUFFER, GL_COLOR_ATTACHMENT0, GL_RENDERBUFFER, colour_);
  if (glCheckFramebufferStatus(GL_FRAMEBUFFER) != GL_FRAMEBUFFER_COMPLETE)
    throw std::runtime_error("cannot create an offscreen framebuffer");
}

bool GlWindow::should_close() const { return glfwWindowShouldClose(window_); }

void GlWindow::wait_events(double seconds) const {
  if (seconds > 0)
    glfwWaitEventsTimeout(seconds);
  else
    glfwPollEvents();
}

void GlWindow::begin_frame(float& width, float& height) {
  ImGui_ImplOpenGL3_NewFrame();
  ImGui_ImplGlfw_NewFrame();
  ImGuiIO& io = ImGui::GetIO();
  if (options_.headless) {
    // The offscreen image, not the invisible window, sets the size; no mouse.
    io.DisplaySize = {float(options_.width), float(options_.height)};
    io.DisplayFramebufferScale = {1, 1};
    io.MousePos = {-FLT_MAX, -FLT_MAX};
  }
  ImGui::NewFrame();
  width = io.DisplaySize.x;
  height = io.DisplaySize.y;
}

void GlWindow::render() {
  ImGui::Render();
  int w = options_.width, h = options_.height;
  if (!options_.headless) glfwGetFramebufferSize(window_, &w, &h);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glViewport(0, 0, w, h);
  glClearColor(0.08f, 0.08f, 0.10f, 1.0f);
  glClear(GL_COLOR_BUFFER_BIT);
  ImGui_ImplOpenGL3_RenderDrawData(ImGui::GetDrawData());
  glFinish();
}

void GlWindow::present() {
  if (!options_.headless) glfwSwapBuffers(window_);
}

std::string GlWindow::save_png(const std::string& path) const {
  int w = options_.width, h = options_.height;
  if (!options_.headless) glfwGetFramebufferSize(window_, &w, &h);
  glBindFramebuffer(GL_FRAMEBUFFER, fbo_);
  glReadBuffer(fbo_ ? GL_COLOR_ATTACHMENT0 : GL_BACK);
  glPixelStorei(GL_PACK_ALIGNMENT, 1);
  std::vector<unsigned char> rgba(std::size_t(w) * std::size_t(h) * 4);
  glReadPixels(0, 0, w, h, GL_RGBA, GL_UNSIGNED_BYTE, rgba.data());
  // OpenGL's rows run bottom-up; PNG's top-down. Alpha is dropped: blending
  // leaves it below 255 where the UI is translucent.
  std::vector<unsigned char> rgb(std::size_t(w) * std::size_t(h) * 3);
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < 3; ++c)
        rgb[(std::size_t(y) * std::size_t(w) + std::size_t(x)) * 3 + std::size_t(c)] =
            rgba[(std::size_t(h - 1 - y) * std::size_t(w) + std::size_t(x)) * 4 + std::size_t(c)];
  // Flat UI colours compress best unfiltered (about 12% smaller than stb's
  // adaptive filters); screenshots go into docs/.
  stbi_write_force_png_filter = 0;
  stbi_write_png_compression_level = 9;
  if (!stbi_write_png(path.c_str(), w, h, 3, rgb.data(), w * 3)) return "cannot write " + path;
  return "";
}

}  // namespace firmsim::view

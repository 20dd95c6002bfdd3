/* LD_PRELOAD shim for the ASan test runs (scripts/test-sanitizers): dlclose()
 * does nothing, so the Vulkan driver (Mesa lavapipe) and layers that the
 * Vulkan loader dlopen()s stay mapped until exit. LeakSanitizer can then name
 * the library a leak comes from, and lsan.supp can suppress those libraries'
 * own leaks by name; once unloaded they would show as "<unknown module>" and
 * could only be suppressed together with everything else. */
int dlclose(void* handle) {
  (void)handle;
  return 0;
}

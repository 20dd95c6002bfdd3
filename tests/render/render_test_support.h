#pragma once
// Shared by the render suites: a Context with validation on, and checks that
// it reported nothing.
#include <doctest/doctest.h>

#include <memory>

#include "medverse/render/context.h"

namespace medverse::test {

inline std::unique_ptr<render::Context> makeContext(
    render::MultiviewPolicy multiview = render::MultiviewPolicy::Auto) {
  render::ContextOptions options;
  options.validation = true;  // always on in tests, whatever the environment says
  options.multiview = multiview;
  auto context = render::Context::create(options);
  REQUIRE_MESSAGE(context.ok(), (context.ok() ? "" : context.error().message));
  return std::move(context.value());
}

inline void requireNoValidationErrors(const render::Context& context) {
  render::ValidationReport report = context.validationReport();
  for (const auto& message : report.firstErrors) {
    MESSAGE(message);
  }
  CHECK(report.errors == 0);
}

}  // namespace medverse::test

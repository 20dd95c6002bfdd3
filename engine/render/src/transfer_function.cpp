#include <algorithm>
#include <cmath>
#include <string>

#include "medverse/render/volume.h"

namespace medverse::render {
namespace {

// A designer's sRGB colour in the linear space the pass composites in.
glm::vec3 srgb(float r, float g, float b) {
  const auto channel = [](float c) {
    return c <= 0.04045F ? c / 12.92F : std::pow((c + 0.055F) / 1.055F, 2.4F);
  };
  return {channel(r), channel(g), channel(b)};
}

}  // namespace

Status validate(const TransferFunction& tf) {
  if (tf.points.empty()) {
    return makeError("transfer function has no control points");
  }
  for (size_t i = 0; i < tf.points.size(); ++i) {
    const TransferPoint& p = tf.points[i];
    const std::string where = "transfer function point " + std::to_string(i);
    if (!std::isfinite(p.value)) {
      return makeError(where + ": value is not finite");
    }
    if (i > 0 && !(p.value > tf.points[i - 1].value)) {
      return makeError(where + ": value " + std::to_string(p.value) +
                       " does not increase (points must be sorted by value)");
    }
    for (int c = 0; c < 3; ++c) {
      if (!(p.color[c] >= 0.0F && p.color[c] <= 1.0F)) {
        return makeError(where + ": colour outside [0, 1]");
      }
    }
    if (!(p.opacity >= 0.0F && p.opacity <= 1.0F)) {
      return makeError(where + ": opacity " + std::to_string(p.opacity) + " outside [0, 1]");
    }
  }
  return {};
}

glm::vec4 evaluate(const TransferFunction& tf, float value) {
  if (tf.points.empty()) {
    return glm::vec4(0.0F);
  }
  const auto& pts = tf.points;
  if (value <= pts.front().value) {
    return {pts.front().color, pts.front().opacity};
  }
  if (value >= pts.back().value) {
    return {pts.back().color, pts.back().opacity};
  }
  auto hi = std::upper_bound(pts.begin(), pts.end(), value,
                             [](float v, const TransferPoint& p) { return v < p.value; });
  auto lo = hi - 1;
  const float f = (value - lo->value) / (hi->value - lo->value);
  return glm::mix(glm::vec4(lo->color, lo->opacity), glm::vec4(hi->color, hi->opacity), f);
}

WindowLevel windowOf(const TransferFunction& tf) {
  if (tf.points.empty()) {
    return {};
  }
  const float lo = tf.points.front().value;
  const float hi = tf.points.back().value;
  return {0.5F * (lo + hi), hi - lo};
}

// Opacities are per millimetre of material. Air, fat and fluids stay clear in
// the CT presets so the structure of interest is not veiled.
TransferFunction presetCtBone() {
  TransferFunction tf;
  tf.points = {
      {-1000.0F, glm::vec3(0.0F), 0.0F},
      {150.0F, srgb(0.55F, 0.25F, 0.15F), 0.0F},   // below bone: clear
      {250.0F, srgb(0.85F, 0.60F, 0.45F), 0.15F},  // trabecular bone
      {500.0F, srgb(0.95F, 0.90F, 0.80F), 0.6F},   // cortical bone
      {1500.0F, srgb(1.0F, 1.0F, 0.97F), 0.9F},
      {3000.0F, srgb(1.0F, 1.0F, 1.0F), 0.9F},
  };
  return tf;
}

TransferFunction presetCtLung() {
  TransferFunction tf;
  // The lungs' surfaces and the vessels and airway walls inside them sit in
  // the -600..-400 HU band (partial volume between air-filled parenchyma and
  // soft tissue); air, parenchyma and the chest wall's soft tissue stay
  // clear so the band is seen from outside the chest.
  tf.points = {
      {-1000.0F, glm::vec3(0.0F), 0.0F},           {-650.0F, srgb(0.75F, 0.55F, 0.50F), 0.0F},
      {-600.0F, srgb(0.90F, 0.70F, 0.62F), 0.15F}, {-400.0F, srgb(0.95F, 0.80F, 0.72F), 0.15F},
      {-100.0F, srgb(0.95F, 0.80F, 0.72F), 0.0F},  {3000.0F, glm::vec3(0.0F), 0.0F},
  };
  return tf;
}

TransferFunction presetCtSoftTissue() {
  TransferFunction tf;
  tf.points = {
      {-1000.0F, glm::vec3(0.0F), 0.0F},
      {-200.0F, srgb(0.55F, 0.30F, 0.20F), 0.0F},  // fat and below: clear
      {-50.0F, srgb(0.80F, 0.55F, 0.45F), 0.03F},  // skin, fat boundary
      {40.0F, srgb(0.85F, 0.40F, 0.35F), 0.12F},   // muscle and organs
      {150.0F, srgb(0.95F, 0.75F, 0.65F), 0.25F},  // enhancing tissue
      {400.0F, srgb(1.0F, 0.97F, 0.92F), 0.6F},    // bone
      {3000.0F, srgb(1.0F, 1.0F, 1.0F), 0.6F},
  };
  return tf;
}

TransferFunction presetMrBrain(float low, float high) {
  const float span = std::max(high - low, 1e-3F);
  const auto at = [&](float f) { return low + f * span; };
  TransferFunction tf;
  // T1-weighted: CSF dark (clear), grey matter mid, white matter bright.
  tf.points = {
      {at(0.0F), glm::vec3(0.0F), 0.0F},
      {at(0.22F), srgb(0.55F, 0.35F, 0.30F), 0.0F},   // background and CSF: clear
      {at(0.35F), srgb(0.80F, 0.55F, 0.48F), 0.10F},  // scalp, dura, grey matter edge
      {at(0.60F), srgb(0.93F, 0.78F, 0.70F), 0.35F},  // grey matter
      {at(0.85F), srgb(1.0F, 0.95F, 0.90F), 0.6F},    // white matter
      {at(1.0F), srgb(1.0F, 1.0F, 1.0F), 0.7F},
  };
  return tf;
}

}  // namespace medverse::render

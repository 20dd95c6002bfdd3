#include "medverse/world/properties.h"

#include <algorithm>
#include <cmath>
#include <cstring>

#include "medverse/core/quantize.h"

namespace medverse::world {
namespace {

constexpr float kLogScaleMin = -20.0F;
constexpr float kLogScaleMax = 8.0F;
constexpr int kNormalBits = 16;

template <typename V>
const V& field(const void* base, const PropertyDesc& prop) {
  return *reinterpret_cast<const V*>(static_cast<const char*>(base) + prop.offset);  // NOLINT
}
template <typename V>
V& field(void* base, const PropertyDesc& prop) {
  return *reinterpret_cast<V*>(static_cast<char*>(base) + prop.offset);  // NOLINT
}

void writeFloatQ(BitWriter& out, float v, const Quantization& q) {
  if (q.bits > 0) {
    writeQuantizedFloat(out, v, q.min, q.max, q.bits);
  } else {
    out.writeFloat(v);
  }
}
float readFloatQ(BitReader& in, const Quantization& q) {
  return q.bits > 0 ? readQuantizedFloat(in, q.min, q.max, q.bits) : in.readFloat();
}

void writeVec3Q(BitWriter& out, const glm::vec3& v, const Quantization& q) {
  if (q.bits > 0) {
    writeQuantizedVec3(out, v, glm::vec3(q.min), glm::vec3(q.max), q.bits);
  } else {
    out.writeFloat(v.x);
    out.writeFloat(v.y);
    out.writeFloat(v.z);
  }
}
glm::vec3 readVec3Q(BitReader& in, const Quantization& q) {
  if (q.bits > 0) {
    return readQuantizedVec3(in, glm::vec3(q.min), glm::vec3(q.max), q.bits);
  }
  glm::vec3 v;
  v.x = in.readFloat();
  v.y = in.readFloat();
  v.z = in.readFloat();
  return v;
}

glm::quat safeQuat(const glm::quat& q) {
  const float len = glm::length(q);
  if (!(len > 1e-6F) || !std::isfinite(len)) {
    return {1.0F, 0.0F, 0.0F, 0.0F};
  }
  return q / len;
}

// Cuts UTF-8 text to at most `max` bytes without splitting a character.
size_t cutUtf8(const std::string& s, size_t max) {
  if (s.size() <= max) {
    return s.size();
  }
  size_t n = max;
  while (n > 0 && (static_cast<uint8_t>(s[n]) & 0xC0U) == 0x80U) {
    --n;
  }
  return n;
}

}  // namespace

void writeProperty(BitWriter& out, const PropertyDesc& prop, const void* base) {
  const Quantization& q = prop.q;
  switch (prop.type) {
    case PropType::Bool:
      out.writeBool(field<bool>(base, prop));
      break;
    case PropType::Uint: {
      uint32_t v = 0;
      if (prop.width == 1) {
        v = field<uint8_t>(base, prop);
      } else if (prop.width == 2) {
        v = field<uint16_t>(base, prop);
      } else {
        v = field<uint32_t>(base, prop);
      }
      const uint32_t top = q.bits >= 32 ? 0xFFFFFFFFU : ((1U << static_cast<unsigned>(q.bits)) - 1U);
      out.writeBits(std::min(v, top), q.bits);
      break;
    }
    case PropType::Id:
      out.writeVarUint(field<uint64_t>(base, prop));
      break;
    case PropType::Float:
      writeFloatQ(out, field<float>(base, prop), q);
      break;
    case PropType::Vec3:
      writeVec3Q(out, field<glm::vec3>(base, prop), q);
      break;
    case PropType::Quat:
      writeQuantizedQuat(out, safeQuat(field<glm::quat>(base, prop)), q.rotBits);
      break;
    case PropType::Pose: {
      const auto& pose = field<medverse::Pose>(base, prop);
      writeVec3Q(out, pose.position, q);
      writeQuantizedQuat(out, safeQuat(pose.orientation), q.rotBits);
      break;
    }
    case PropType::Transform: {
      const auto& t = field<medverse::Transform>(base, prop);
      writeVec3Q(out, t.position, q);
      writeQuantizedQuat(out, safeQuat(t.rotation), q.rotBits);
      for (int i = 0; i < 3; ++i) {
        const float s = std::max(t.scale[i], 1e-30F);
        writeQuantizedFloat(out, std::log2(s), kLogScaleMin, kLogScaleMax, q.scaleBits);
      }
      break;
    }
    case PropType::Plane: {
      const auto& p = field<Plane>(base, prop);
      out.writeBool(p.enabled);
      if (p.enabled) {
        glm::vec3 n = p.normal;
        const float len = glm::length(n);
        n = len > 1e-6F && std::isfinite(len) ? n / len : glm::vec3(0.0F, 0.0F, 1.0F);
        writeQuantizedVec3(out, n, glm::vec3(-1.0F), glm::vec3(1.0F), kNormalBits);
        writeFloatQ(out, p.offset, q);
      }
      break;
    }
    case PropType::String: {
      const auto& s = field<std::string>(base, prop);
      const size_t n = cutUtf8(s, q.maxLength);
      out.writeVarUint(n);
      out.writeBytes({reinterpret_cast<const uint8_t*>(s.data()), n});  // NOLINT
      break;
    }
  }
}

bool readProperty(BitReader& in, const PropertyDesc& prop, void* base) {
  const Quantization& q = prop.q;
  switch (prop.type) {
    case PropType::Bool:
      field<bool>(base, prop) = in.readBool();
      break;
    case PropType::Uint: {
      const uint32_t v = in.readBits(q.bits);
      if (prop.width == 1) {
        field<uint8_t>(base, prop) = static_cast<uint8_t>(std::min<uint32_t>(v, 0xFFU));
      } else if (prop.width == 2) {
        field<uint16_t>(base, prop) = static_cast<uint16_t>(std::min<uint32_t>(v, 0xFFFFU));
      } else {
        field<uint32_t>(base, prop) = v;
      }
      break;
    }
    case PropType::Id:
      field<uint64_t>(base, prop) = in.readVarUint();
      break;
    case PropType::Float:
      field<float>(base, prop) = readFloatQ(in, q);
      break;
    case PropType::Vec3:
      field<glm::vec3>(base, prop) = readVec3Q(in, q);
      break;
    case PropType::Quat:
      field<glm::quat>(base, prop) = readQuantizedQuat(in, q.rotBits);
      break;
    case PropType::Pose: {
      auto& pose = field<medverse::Pose>(base, prop);
      pose.position = readVec3Q(in, q);
      pose.orientation = readQuantizedQuat(in, q.rotBits);
      break;
    }
    case PropType::Transform: {
      auto& t = field<medverse::Transform>(base, prop);
      t.position = readVec3Q(in, q);
      t.rotation = readQuantizedQuat(in, q.rotBits);
      for (int i = 0; i < 3; ++i) {
        t.scale[i] = std::exp2(readQuantizedFloat(in, kLogScaleMin, kLogScaleMax, q.scaleBits));
      }
      break;
    }
    case PropType::Plane: {
      auto& p = field<Plane>(base, prop);
      p.enabled = in.readBool();
      if (p.enabled) {
        glm::vec3 n = readQuantizedVec3(in, glm::vec3(-1.0F), glm::vec3(1.0F), kNormalBits);
        const float len = glm::length(n);
        p.normal = len > 1e-6F ? n / len : glm::vec3(0.0F, 0.0F, 1.0F);
        p.offset = readFloatQ(in, q);
      } else {
        p.normal = glm::vec3(0.0F, 0.0F, 1.0F);
        p.offset = 0.0F;
      }
      break;
    }
    case PropType::String: {
      const uint64_t n = in.readVarUint();
      auto& s = field<std::string>(base, prop);
      if (n > q.maxLength || n * 8 > in.bitsRemaining()) {
        s.clear();
        return false;
      }
      s.resize(static_cast<size_t>(n));
      in.readBytes({reinterpret_cast<uint8_t*>(s.data()), s.size()});  // NOLINT
      break;
    }
  }
  return in.ok();
}

void copyProperty(const PropertyDesc& prop, const void* from, void* to) {
  switch (prop.type) {
    case PropType::Bool:
      field<bool>(to, prop) = field<bool>(from, prop);
      break;
    case PropType::Uint:
      std::memcpy(static_cast<char*>(to) + prop.offset,
                  static_cast<const char*>(from) + prop.offset, prop.width);
      break;
    case PropType::Id:
      field<uint64_t>(to, prop) = field<uint64_t>(from, prop);
      break;
    case PropType::Float:
      field<float>(to, prop) = field<float>(from, prop);
      break;
    case PropType::Vec3:
      field<glm::vec3>(to, prop) = field<glm::vec3>(from, prop);
      break;
    case PropType::Quat:
      field<glm::quat>(to, prop) = field<glm::quat>(from, prop);
      break;
    case PropType::Pose:
      field<medverse::Pose>(to, prop) = field<medverse::Pose>(from, prop);
      break;
    case PropType::Transform:
      field<medverse::Transform>(to, prop) = field<medverse::Transform>(from, prop);
      break;
    case PropType::Plane:
      field<Plane>(to, prop) = field<Plane>(from, prop);
      break;
    case PropType::String:
      field<std::string>(to, prop) = field<std::string>(from, prop);
      break;
  }
}

void writeAll(BitWriter& out, const TypeInfo& type, const void* base) {
  for (const PropertyDesc& prop : type.props) {
    writeProperty(out, prop, base);
  }
}

bool readAll(BitReader& in, const TypeInfo& type, void* base) {
  for (const PropertyDesc& prop : type.props) {
    if (!readProperty(in, prop, base)) {
      return false;
    }
  }
  return true;
}

float positionErrorBound(const Quantization& q) {
  if (q.bits <= 0) {
    return 0.0F;
  }
  return quantizationErrorBound(glm::vec3(q.min), glm::vec3(q.max), q.bits);
}

}  // namespace medverse::world

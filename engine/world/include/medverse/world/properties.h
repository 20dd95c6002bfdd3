#pragma once
// Replicated properties, described once per type.
//
// A type (a component, or the parameters of an RPC) lists its replicated
// fields in a TypeInfo: where the field is (an offset from the object), what
// it is (PropType, deduced from the member's C++ type), how it is quantized,
// and to whom it goes (Condition). Everything that moves state over the
// network, hashes it or compares it walks that table; there is no
// hand-written serializer per class.
//
//   const TypeInfo& AvatarComponent::staticType() {
//     static const TypeInfo info = Describe<AvatarComponent, Component>("Avatar")
//         .add("head", &AvatarComponent::head, kAvatarPose, Condition::SkipOwner)
//         ...
//         .info();
//     return info;
//   }
#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <type_traits>
#include <vector>

#include <glm/glm.hpp>
#include <glm/gtc/quaternion.hpp>

#include "medverse/core/bitstream.h"
#include "medverse/core/transform.h"

namespace medverse::world {

// A plane in the space of whatever it cuts: points x with dot(normal, x) =
// offset. Disabled planes replicate as one bit.
struct Plane {
  bool enabled = false;
  glm::vec3 normal{0.0F, 0.0F, 1.0F};
  float offset = 0.0F;
  friend bool operator==(const Plane&, const Plane&) = default;
};

enum class PropType : uint8_t {
  Bool,       // 1 bit
  Uint,       // uint8/16/32: Quantization::bits bits (default: the field's width)
  Id,         // uint64: LEB128 varuint (client ids, net ids)
  Float,      // bounded (bits > 0) or raw 32-bit
  Vec3,       // bounded per axis (bits > 0) or raw
  Quat,       // smallest three, rotBits per component
  Pose,       // position as Vec3, orientation as Quat
  Transform,  // Pose, then scale as log2 per axis, bounded
  Plane,      // enabled bit; normal 16 bits per axis; offset as Float
  String,     // varuint length (<= maxLength bytes) then UTF-8 bytes
};

// Who receives a property.
enum class Condition : uint8_t {
  Always,
  OwnerOnly,    // only the actor's owner (its own private state)
  SkipOwner,    // everyone but the owner (the owner predicts it locally)
  InitialOnly,  // only in the first, full state of the actor sent to a client
};

struct Quantization {
  int bits = 0;          // Uint: width; Float/Vec3/position/plane offset: bits (0 = raw float)
  float min = 0.0F;      // bounded range of Float/Vec3/positions/plane offset
  float max = 0.0F;
  int rotBits = 12;      // Quat/Pose/Transform: bits per smallest-three component
  int scaleBits = 16;    // Transform: bits per axis of log2(scale) over [-20, 8]
  uint32_t maxLength = 255;  // String: bytes
};

struct PropertyDesc {
  const char* name = "";
  size_t offset = 0;  // from the object's base (see Describe)
  PropType type = PropType::Bool;
  uint8_t width = 0;  // Uint: sizeof the field
  Condition condition = Condition::Always;
  Quantization q;
};

// The property table of one type.
struct TypeInfo {
  std::string name;
  std::vector<PropertyDesc> props;
};

template <typename M>
struct PropTypeOf;
template <>
struct PropTypeOf<bool> {
  static constexpr PropType value = PropType::Bool;
};
template <>
struct PropTypeOf<uint8_t> {
  static constexpr PropType value = PropType::Uint;
};
template <>
struct PropTypeOf<uint16_t> {
  static constexpr PropType value = PropType::Uint;
};
template <>
struct PropTypeOf<uint32_t> {
  static constexpr PropType value = PropType::Uint;
};
template <>
struct PropTypeOf<uint64_t> {
  static constexpr PropType value = PropType::Id;
};
template <>
struct PropTypeOf<float> {
  static constexpr PropType value = PropType::Float;
};
template <>
struct PropTypeOf<glm::vec3> {
  static constexpr PropType value = PropType::Vec3;
};
template <>
struct PropTypeOf<glm::quat> {
  static constexpr PropType value = PropType::Quat;
};
template <>
struct PropTypeOf<medverse::Pose> {
  static constexpr PropType value = PropType::Pose;
};
template <>
struct PropTypeOf<medverse::Transform> {
  static constexpr PropType value = PropType::Transform;
};
template <>
struct PropTypeOf<Plane> {
  static constexpr PropType value = PropType::Plane;
};
template <>
struct PropTypeOf<std::string> {
  static constexpr PropType value = PropType::String;
};

// Builds the table of T. Offsets are measured from a `Base*` view of the
// object (Component for components, T itself for RPC parameters), which is
// the pointer the walkers are given.
template <typename T, typename Base = T>
class Describe {
 public:
  explicit Describe(std::string name) { info_.name = std::move(name); }

  template <typename M>
  Describe& add(const char* name, M T::*member, Quantization q = {},
                Condition condition = Condition::Always) {
    static const T probe{};
    const auto* base = reinterpret_cast<const char*>(static_cast<const Base*>(&probe));  // NOLINT
    const auto* field = reinterpret_cast<const char*>(&(probe.*member));                 // NOLINT
    PropertyDesc desc;
    desc.name = name;
    desc.offset = static_cast<size_t>(field - base);
    desc.type = PropTypeOf<M>::value;
    desc.width = static_cast<uint8_t>(sizeof(M));
    desc.condition = condition;
    desc.q = q;
    if (desc.type == PropType::Uint && desc.q.bits == 0) {
      desc.q.bits = static_cast<int>(sizeof(M) * 8);
    }
    info_.props.push_back(desc);
    return *this;
  }
  Describe& add(const char* name, bool T::*member, Condition condition = Condition::Always) {
    return add<bool>(name, member, Quantization{}, condition);
  }

  [[nodiscard]] TypeInfo info() const { return info_; }

 private:
  TypeInfo info_;
};

// ---- walkers -----------------------------------------------------------------

// Writes / reads one property of the object at `base`. Reading stores the
// dequantized value, so a reader holds exactly what every other reader holds.
// readProperty is false on a stream error or an invalid value (a string over
// its maximum length); the field is then unspecified.
void writeProperty(BitWriter& out, const PropertyDesc& prop, const void* base);
[[nodiscard]] bool readProperty(BitReader& in, const PropertyDesc& prop, void* base);
// Copies one property's value between two objects of the same type.
void copyProperty(const PropertyDesc& prop, const void* from, void* to);

// Every property in table order, no conditions (RPC parameters).
void writeAll(BitWriter& out, const TypeInfo& type, const void* base);
[[nodiscard]] bool readAll(BitReader& in, const TypeInfo& type, void* base);

// Worst-case position error of a bounded vector property, for docs and tests.
[[nodiscard]] float positionErrorBound(const Quantization& q);

}  // namespace medverse::world

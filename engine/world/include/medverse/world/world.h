#pragma once
// The world: actors made of components, the same code on the server (which
// has authority) and on clients (which mirror what the server replicates).
//
// An actor class (ActorClass) fixes which components an actor has and in
// what order; each component type describes its replicated properties once
// (properties.h). Replication walks class → components → property tables.
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "medverse/core/hash.h"
#include "medverse/world/properties.h"

namespace medverse::world {

using NetId = uint32_t;     // names an actor for the life of a server; never reused
using ClientId = uint64_t;  // from the connect token; 0 = nobody (the server)
using ClassId = uint16_t;

class Component {
 public:
  Component() = default;
  Component(const Component&) = default;
  Component& operator=(const Component&) = default;
  Component(Component&&) = default;
  Component& operator=(Component&&) = default;
  virtual ~Component() = default;
  [[nodiscard]] virtual const TypeInfo& type() const = 0;
  [[nodiscard]] virtual std::unique_ptr<Component> clone() const = 0;
};

// CRTP helper: a component type only writes `static const TypeInfo&
// staticType()`.
template <typename Derived>
class ComponentBase : public Component {
 public:
  [[nodiscard]] const TypeInfo& type() const override { return Derived::staticType(); }
  [[nodiscard]] std::unique_ptr<Component> clone() const override {
    return std::make_unique<Derived>(static_cast<const Derived&>(*this));
  }
};

class Actor;

// One replicated property of an actor class, flattened across components.
struct ClassProperty {
  size_t component = 0;
  const PropertyDesc* desc = nullptr;
};

struct ActorClass {
  ClassId id = 0;
  std::string name;
  // Adds the class's components, always in the same order.
  std::function<void(Actor&)> build;
  // Relative share of a client's byte budget (see ReplicationServer).
  float priority = 1.0F;
  // Remote copies are shown through an interpolation buffer (avatars).
  bool interpolated = false;
  // Filled by registerActorClass from a built actor.
  std::vector<ClassProperty> properties;
};

// Registers a class (once, at start-up; not thread-safe) and returns it.
// Registering an id twice replaces the class.
const ActorClass& registerActorClass(ActorClass actorClass);
[[nodiscard]] const ActorClass* findActorClass(ClassId id);

class Actor {
 public:
  Actor(NetId netId, const ActorClass& actorClass);

  [[nodiscard]] NetId netId() const { return netId_; }
  [[nodiscard]] ClassId classId() const { return class_->id; }
  [[nodiscard]] const ActorClass& actorClass() const { return *class_; }

  // The client that controls the actor (its avatar, or the participant
  // holding a hologram); 0 for the server.
  [[nodiscard]] ClientId owner() const { return owner_; }
  void setOwner(ClientId owner);

  template <typename T>
  [[nodiscard]] const T* get() const {
    for (const auto& c : components_) {
      if (const auto* t = dynamic_cast<const T*>(c.get())) {
        return t;
      }
    }
    return nullptr;
  }
  // Mutable access marks the actor dirty: the server re-examines its
  // properties at the next tick.
  template <typename T>
  [[nodiscard]] T* edit() {
    for (auto& c : components_) {
      if (auto* t = dynamic_cast<T*>(c.get())) {
        dirty_ = true;
        return t;
      }
    }
    return nullptr;
  }
  // The component, which the actor's class guarantees; throws
  // std::logic_error if the class has no such component (a programming error).
  template <typename T>
  [[nodiscard]] const T& ref() const {
    const T* t = get<T>();
    if (t == nullptr) {
      missingComponent(T::staticType().name);
    }
    return *t;
  }
  template <typename T>
  [[nodiscard]] T& mut() {
    T* t = edit<T>();
    if (t == nullptr) {
      missingComponent(T::staticType().name);
    }
    return *t;
  }
  template <typename T>
  T& add() {
    components_.push_back(std::make_unique<T>());
    dirty_ = true;
    return static_cast<T&>(*components_.back());
  }

  [[nodiscard]] size_t componentCount() const { return components_.size(); }
  [[nodiscard]] Component& component(size_t i) { return *components_.at(i); }
  [[nodiscard]] const Component& component(size_t i) const { return *components_.at(i); }

  [[nodiscard]] bool dirty() const { return dirty_; }
  void markDirty() { dirty_ = true; }
  void clearDirty() { dirty_ = false; }

  // Server-side relevancy: an actor with `participantsMaySee` false is
  // replicated only to spectators (a spectator's avatar and player state).
  bool participantsMaySee = true;

 private:
  [[noreturn]] void missingComponent(const std::string& name) const;
  NetId netId_;
  const ActorClass* class_;
  ClientId owner_ = 0;
  bool dirty_ = true;
  std::vector<std::unique_ptr<Component>> components_;
};

class World {
 public:
  // Server: a new actor with the next net id. Client: `id` is the server's.
  Actor& spawn(const ActorClass& actorClass, ClientId owner = 0, NetId id = 0);
  void destroy(NetId id);
  [[nodiscard]] Actor* find(NetId id);
  [[nodiscard]] const Actor* find(NetId id) const;
  [[nodiscard]] const std::map<NetId, std::unique_ptr<Actor>>& actors() const { return actors_; }

  template <typename T>
  [[nodiscard]] std::vector<Actor*> actorsWith() {
    std::vector<Actor*> out;
    for (auto& [id, actor] : actors_) {
      if (actor->template get<T>() != nullptr) {
        out.push_back(actor.get());
      }
    }
    return out;
  }

  // BLAKE2b over every actor (net id order) and every property replicated to
  // everyone (conditions Always and InitialOnly), as encoded on the wire.
  // Two copies of a world that agree on what they replicate hash equal.
  [[nodiscard]] Hash256 stateHash() const;

 private:
  std::map<NetId, std::unique_ptr<Actor>> actors_;
  NetId nextId_ = 1;
};

}  // namespace medverse::world

#include "medverse/world/world.h"

#include <stdexcept>
#include <string>
#include <unordered_map>

#include "medverse/core/bitstream.h"

namespace medverse::world {
namespace {

std::unordered_map<ClassId, std::unique_ptr<ActorClass>>& registry() {
  static std::unordered_map<ClassId, std::unique_ptr<ActorClass>> classes;
  return classes;
}

}  // namespace

const ActorClass& registerActorClass(ActorClass actorClass) {
  auto owned = std::make_unique<ActorClass>(std::move(actorClass));
  // Build one actor to learn the component layout and flatten the tables.
  Actor probe(0, *owned);
  owned->properties.clear();
  for (size_t c = 0; c < probe.componentCount(); ++c) {
    for (const PropertyDesc& desc : probe.component(c).type().props) {
      owned->properties.push_back({c, &desc});
    }
  }
  auto& slot = registry()[owned->id];
  slot = std::move(owned);
  return *slot;
}

const ActorClass* findActorClass(ClassId id) {
  auto it = registry().find(id);
  return it == registry().end() ? nullptr : it->second.get();
}

Actor::Actor(NetId netId, const ActorClass& actorClass) : netId_(netId), class_(&actorClass) {
  if (actorClass.build) {
    actorClass.build(*this);
  }
}

void Actor::missingComponent(const std::string& name) const {
  throw std::logic_error("actor " + std::to_string(netId_) + " of class " + class_->name +
                         " has no " + name + " component");
}

void Actor::setOwner(ClientId owner) {
  if (owner != owner_) {
    owner_ = owner;
    dirty_ = true;
  }
}

Actor& World::spawn(const ActorClass& actorClass, ClientId owner, NetId id) {
  if (id == 0) {
    id = nextId_++;
  } else if (id >= nextId_) {
    nextId_ = id + 1;
  }
  auto actor = std::make_unique<Actor>(id, actorClass);
  actor->setOwner(owner);
  Actor& ref = *actor;
  actors_[id] = std::move(actor);
  return ref;
}

void World::destroy(NetId id) { actors_.erase(id); }

Actor* World::find(NetId id) {
  auto it = actors_.find(id);
  return it == actors_.end() ? nullptr : it->second.get();
}

const Actor* World::find(NetId id) const {
  auto it = actors_.find(id);
  return it == actors_.end() ? nullptr : it->second.get();
}

Hash256 World::stateHash() const {
  Hasher hasher;
  for (const auto& [id, actor] : actors_) {
    BitWriter out;
    out.writeVarUint(id);
    out.writeVarUint(actor->classId());
    out.writeVarUint(actor->owner());
    for (const ClassProperty& p : actor->actorClass().properties) {
      if (p.desc->condition == Condition::Always || p.desc->condition == Condition::InitialOnly) {
        writeProperty(out, *p.desc, &actor->component(p.component));
      }
    }
    hasher.update(out.bytes());
  }
  return hasher.finish();
}

}  // namespace medverse::world

// A session through ImpairedRelay: 10% loss, 50±20 ms latency each way, some
// duplication and reordering. Reliable session events must arrive once and
// in order; a moving avatar must stay close to the path its owner sent.
#include <doctest/doctest.h>

#include <algorithm>
#include <cmath>

#include "medverse/net/impaired_relay.h"
#include "world_test_support.h"

using namespace worldtest;

namespace {

const net::ImpairmentProfile kBadNetwork{.loss = 0.10,
                                         .latencyMs = 50,
                                         .jitterMs = 20,
                                         .duplicate = 0.05,
                                         .reorder = 0.05,
                                         .reorderDelayMs = 30};
constexpr int kImpairedBound = 30'000;
constexpr int kAnnotations = 20;

struct Sent {
  double t;
  glm::vec3 p;
};

// Distance from x to the polyline through the sent positions, and the time
// of the closest point.
std::pair<float, double> closest(const std::vector<Sent>& path, const glm::vec3& x) {
  float best = 1e9F;
  double when = 0.0;
  for (size_t i = 1; i < path.size(); ++i) {
    const glm::vec3 a = path[i - 1].p;
    const glm::vec3 ab = path[i].p - a;
    const float len2 = glm::dot(ab, ab);
    const float u = len2 > 0.0F ? std::clamp(glm::dot(x - a, ab) / len2, 0.0F, 1.0F) : 0.0F;
    const float d = glm::length(a + ab * u - x);
    if (d < best) {
      best = d;
      when = path[i - 1].t + u * (path[i].t - path[i - 1].t);
    }
  }
  return {best, when};
}

}  // namespace

TEST_CASE("through 10% loss and 50±20 ms jitter: events once and in order, avatars on track") {
  Room room;
  room.realTime = true;
  auto relay = net::ImpairedRelay::create("127.0.0.1", room.server->port(), kBadNetwork,
                                          kBadNetwork, 77);
  REQUIRE(relay.ok());
  room.extra = [&] { relay->service(); };
  const size_t a = room.addClient();
  const size_t b = room.addClient();
  room.connect(a, 91, "Dr. Remote", net::Role::Expert, relay->port());
  room.connect(b, 92, "Dr. Local", net::Role::Doctor, relay->port());
  const NetId avatarA = room.client(a).avatarId();

  std::vector<Sent> path;
  std::vector<float> errors;
  std::vector<double> lags;
  const double start = Room::steadyMs();
  int annotated = 0;
  double nextAnnotation = start + 200.0;
  const auto annotationsSeen = [&] {
    int n = 0;
    for (const auto& notice : room.log(b).notices) {
      n += notice.kind == NoticeKind::Annotated ? 1 : 0;
    }
    return n;
  };
  bool done = false;
  double finishAt = 0.0;
  for (int i = 0; i < kImpairedBound && !done; ++i) {
    const double now = Room::steadyMs();
    const double t = (now - start) / 1000.0;
    // 1 m/s around a circle of 1 m radius, head bobbing.
    const glm::vec3 head(std::cos(t), 1.7F + 0.05F * std::sin(3.0 * t), std::sin(t));
    room.client(a).setLocalAvatar(poseAt(head, static_cast<float>(t)));
    path.push_back({now, head});
    if (annotated < kAnnotations && now >= nextAnnotation) {
      room.client(a).annotate({float(annotated), 0.0F, 0.0F}, "note " + std::to_string(annotated));
      ++annotated;
      nextAnnotation = now + 50.0;
    }
    room.step();
    // After a warm-up, compare what B draws with the path A sent.
    if (now - start > 1500.0) {
      if (auto shown = room.client(b).presentAvatar(avatarA)) {
        const auto [d, when] = closest(path, shown->head.position);
        errors.push_back(d);
        lags.push_back(now - when);
      }
    }
    if (finishAt == 0.0 && annotationsSeen() >= kAnnotations) {
      finishAt = now + 1500.0;
    }
    done = finishAt != 0.0 && now >= finishAt;
  }
  REQUIRE(done);

  // Every annotation notice once, in the order the server decided them.
  std::vector<std::string> texts;
  uint32_t lastSeq = 0;
  for (const auto& n : room.log(b).notices) {
    CHECK(n.sequence > lastSeq);
    lastSeq = n.sequence;
    if (n.kind == NoticeKind::Annotated) {
      texts.push_back(n.text);
    }
  }
  std::vector<std::string> expected;
  for (int i = 0; i < kAnnotations; ++i) {
    expected.push_back("note " + std::to_string(i));
  }
  CHECK(texts == expected);
  const auto pins = room.client(b).world().actorsWith<AnnotationComponent>();
  CHECK(pins.size() == kAnnotations);

  REQUIRE(errors.size() > 100);
  std::sort(errors.begin(), errors.end());
  std::sort(lags.begin(), lags.end());
  const float p99 = errors[errors.size() * 99 / 100];
  const float worst = errors.back();
  const double lagMedian = lags[lags.size() / 2];
  const auto stats = relay->stats();
  MESSAGE("path error p99 " << p99 * 1000.0F << " mm, max " << worst * 1000.0F
          << " mm; shown behind the sender by " << lagMedian << " ms (median); delay "
          << room.client(b).stats().interpolationDelayMs << " ms, jitter "
          << room.client(b).stats().jitterMs << " ms; lost "
          << stats.toServer.lost + stats.toClient.lost << " of "
          << stats.toServer.datagrams + stats.toClient.datagrams);
  CHECK(stats.toServer.lost + stats.toClient.lost > 0);
  // Bounded: the drawn head stays within a few centimetres of where A's head
  // really went, and is not stuck in the past.
  CHECK(p99 <= 0.02F);
  CHECK(worst <= 0.05F);
  CHECK(lagMedian <= 500.0);
}

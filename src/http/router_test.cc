#include <gtest/gtest.h>

#include "http/internal.h"
#include "http/server.h"

namespace citydata::http {
namespace {

Handler Named(std::string name) {
  return [name](Request&) {
    Response response;
    response.body = name;
    return response;
  };
}

std::string HandlerName(const Router::Match& match) {
  Request request;
  return match.handler == nullptr ? "" : (*match.handler)(request).body;
}

TEST(RouterTest, LiteralBeatsParamBeatsWildcard) {
  Router router;
  router.Add(Method::kGet, "/files/*", Named("wildcard"));
  router.Add(Method::kGet, "/files/{name}", Named("param"));
  router.Add(Method::kGet, "/files/latest", Named("literal"));
  EXPECT_EQ(HandlerName(router.Find(Method::kGet, "/files/latest")), "literal");
  EXPECT_EQ(HandlerName(router.Find(Method::kGet, "/files/other")), "param");
  Router::Match deep = router.Find(Method::kGet, "/files/a/b%20c");
  EXPECT_EQ(HandlerName(deep), "wildcard");
  EXPECT_EQ(deep.params["*"], "a/b c");
  EXPECT_EQ(deep.pattern, "/files/*");
}

TEST(RouterTest, ParamsArePercentDecoded) {
  Router router;
  router.Add(Method::kGet, "/api/v1/datasets/{zone}/{name}", Named("ds"));
  Router::Match match = router.Find(Method::kGet, "/api/v1/datasets/%E6%B5%B7%E6%B7%80/a%2Fb");
  ASSERT_NE(match.handler, nullptr);
  EXPECT_EQ(match.params["zone"], "海淀");
  EXPECT_EQ(match.params["name"], "a/b");  // an encoded slash stays inside its segment
}

TEST(RouterTest, SegmentCountMustMatch) {
  Router router;
  router.Add(Method::kGet, "/a/{b}", Named("ab"));
  EXPECT_EQ(router.Find(Method::kGet, "/a").handler, nullptr);
  EXPECT_EQ(router.Find(Method::kGet, "/a/x/y").handler, nullptr);
  EXPECT_FALSE(router.Find(Method::kGet, "/a/x/y").method_not_allowed);
}

TEST(RouterTest, MethodNotAllowedAndHeadFallsBackToGet) {
  Router router;
  router.Add(Method::kGet, "/items", Named("get"));
  router.Add(Method::kPost, "/items", Named("post"));
  EXPECT_EQ(HandlerName(router.Find(Method::kHead, "/items")), "get");
  Router::Match match = router.Find(Method::kDelete, "/items");
  EXPECT_EQ(match.handler, nullptr);
  EXPECT_TRUE(match.method_not_allowed);
  router.Add(Method::kHead, "/items", Named("head"));
  EXPECT_EQ(HandlerName(router.Find(Method::kHead, "/items")), "head");
}

TEST(RouterTest, RootRoute) {
  Router router;
  router.Add(Method::kGet, "/", Named("root"));
  EXPECT_EQ(HandlerName(router.Find(Method::kGet, "/")), "root");
  EXPECT_EQ(router.Find(Method::kGet, "/x").handler, nullptr);
}

TEST(ParseTargetTest, DecodesPathAndQuery) {
  std::string raw_path, path;
  std::map<std::string, std::string> query;
  ASSERT_TRUE(
      internal::ParseTarget("/a%20b?search=%E6%88%B7+x&flag&k=1&k=2", raw_path, path, query));
  EXPECT_EQ(raw_path, "/a%20b");
  EXPECT_EQ(path, "/a b");
  EXPECT_EQ(query["search"], "户 x");
  EXPECT_EQ(query["flag"], "");
  EXPECT_EQ(query["k"], "2");
}

TEST(ParseTargetTest, RejectsMalformedTargets) {
  std::string raw_path, path;
  std::map<std::string, std::string> query;
  EXPECT_FALSE(internal::ParseTarget("http://host/a", raw_path, path, query));
  EXPECT_FALSE(internal::ParseTarget("/a%zz", raw_path, path, query));
  EXPECT_FALSE(internal::ParseTarget("/a?x=%4", raw_path, path, query));
}

TEST(JsonErrorTest, EscapesMessage) {
  Response response = internal::JsonError(400, ErrorCode::kInvalidArgument, "bad \"x\"\n");
  EXPECT_EQ(response.status, 400);
  EXPECT_EQ(response.body, R"({"error":{"code":"invalid_argument","message":"bad \"x\"\n"}})");
}

}  // namespace
}  // namespace citydata::http

import { describe, expect, it } from "vitest";
import { serverMatchRoutes as matchRoutes, type ServerRoute } from "../helpers/server-router";

type Route = ServerRoute;
type Tree = ServerRoute[];

/** A tree like the app's (a root layout, index, nested and dynamic routes, a splat) that counts how often its children are read. */
function countedTree() {
  let reads = 0;
  const withCount = (route: Route): Route => {
    const children = route.children?.map(withCount);
    const counted: Route = { ...route };
    if (children) {
      Object.defineProperty(counted, "children", {
        enumerable: true,
        get: () => {
          reads++;
          return children;
        },
      });
    }
    return counted;
  };
  const routes = [
    withCount({
      id: "root",
      path: "",
      children: [
        { id: "home", index: true },
        { id: "login", path: "login" },
        { id: "consult", path: "consult/:appointmentId", children: [{ id: "room", index: true }, { id: "note", path: "note" }] },
        { id: "doctor", path: "doctors/:doctorId", children: [{ id: "profile", index: true }, { id: "book", path: "book" }] },
        { id: "files", path: "files/*" },
      ],
    }),
  ];
  return { routes: routes as Tree, reads: () => reads };
}

const ids = (matches: ReturnType<typeof matchRoutes>) => matches?.map((m) => m.route.id) ?? null;

describe("the server's route matching", () => {
  it("is the patched router: the one @remix-run/server-runtime loads flattens a route tree once, however many paths it matches", () => {
    const tree = countedTree();
    matchRoutes(tree.routes, "/login");
    const afterFirst = tree.reads();
    expect(afterFirst).toBeGreaterThan(0);
    for (const pathname of ["/consult/a1", "/consult/a2/note", "/doctors/d1/book", "/", "/files/x/y.pdf", "/nowhere"]) matchRoutes(tree.routes, pathname);
    expect(tree.reads()).toBe(afterFirst);
  });

  it("matches as the router always has: index and nested routes, parameters, splats, case, and no match", () => {
    const { routes } = countedTree();
    for (let round = 0; round < 2; round++) {
      expect(ids(matchRoutes(routes, "/"))).toEqual(["root", "home"]);
      expect(ids(matchRoutes(routes, "/consult/abc"))).toEqual(["root", "consult", "room"]);
      const note = matchRoutes(routes, "/Consult/abc/note/")!;
      expect(ids(note)).toEqual(["root", "consult", "note"]);
      expect(note.at(-1)!.params).toEqual({ appointmentId: "abc" });
      expect(matchRoutes(routes, "/doctors/d%201/book")!.at(-1)!.params).toEqual({ doctorId: "d 1" });
      expect(matchRoutes(routes, "/files/2026/scan.pdf")!.at(-1)!.params).toEqual({ "*": "2026/scan.pdf" });
      expect(matchRoutes(routes, "/consult")).toBeNull();
    }
  });

  it("keeps each tree's own routes: a new build's tree is matched against itself, not the last one's", () => {
    const before: Tree = [{ id: "old", path: "old" }];
    const after: Tree = [{ id: "new", path: "new" }];
    expect(ids(matchRoutes(before, "/old"))).toEqual(["old"]);
    expect(matchRoutes(after, "/old")).toBeNull();
    expect(ids(matchRoutes(after, "/new"))).toEqual(["new"]);
  });
});

import { describe, expect, it } from "vitest";
import { SerialQueue } from "./serial-queue.js";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("SerialQueue", () => {
  it("never runs two jobs at once, and keeps their order", async () => {
    const queue = new SerialQueue();
    const log: string[] = [];
    let running = 0;
    const job = (name: string) => async () => {
      running += 1;
      expect(running).toBe(1);
      log.push(`start ${name}`);
      await tick();
      log.push(`end ${name}`);
      running -= 1;
      return name;
    };
    const results = await Promise.all([queue.run(job("a")), queue.run(job("b")), queue.run(job("c"))]);
    expect(results).toEqual(["a", "b", "c"]);
    expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
  });
  it("a failing job does not block the next", async () => {
    const queue = new SerialQueue();
    const failed = queue.run(async () => {
      throw new Error("boom");
    });
    const next = queue.run(async () => "ok");
    await expect(failed).rejects.toThrow("boom");
    await expect(next).resolves.toBe("ok");
  });
  it("refuses jobs once closed", async () => {
    const queue = new SerialQueue();
    queue.close();
    await expect(queue.run(async () => 1)).rejects.toThrow("queue closed");
  });
});

// Which classes a batch ranks: a taught head's, when one is in use (src/teach), else the model's.
// The rows' top indices, the class-folder matching, the accuracy and the confusion matrix all
// point into that one list. And why a batch under way must stop: its rows would otherwise mix
// two models, or a model and a head.

/** A taught head as far as a batch cares: its name and its classes. */
export interface BatchHead {
  name: string;
  classes: readonly string[];
}

/** The classes of a batch: the head's when it ran (or will run) with one, else the model's. */
export function batchLabels(head: BatchHead | null | undefined, modelClasses: readonly string[]): readonly string[] {
  return head ? head.classes : modelClasses;
}

const plural = (n: number) => `${n} ${n === 1 ? 'class' : 'classes'}`;

/** What the batch panel says it ranks by: your head "X" (3 classes), or the model's 40 classes. */
export function describeBatchClasses(head: BatchHead | null | undefined, modelClasses: readonly string[]): string {
  return head ? `your head “${head.name}” (${plural(head.classes.length)})` : `the model's ${plural(modelClasses.length)}`;
}

/** What a batch started with, and what the page has now. `head` is compared by identity: two
 * heads taught on the same class names have one name but not the same weights. */
export interface BatchRanker<H> {
  model: string | null;
  head: H | null;
}

/** Why a running batch stops (the model or the head changed since it started), or null. A model
 * still opening (null) is no change yet. */
export function stopReason<H extends { name: string }>(started: BatchRanker<H>, now: BatchRanker<H>): string | null {
  if (now.model !== null && started.model && now.model !== started.model) {
    return `Stopped: the model changed to ${now.model} (the rows so far are ${started.model}'s). Start the batch again to classify every file with it.`;
  }
  if (now.head !== started.head) {
    const was = started.head ? `your head “${started.head.name}”` : "the model's classes";
    const is = now.head ? `your head “${now.head.name}”` : "the model's classes";
    return `Stopped: the classes changed to ${is} (the rows so far are in ${was}). Start the batch again to classify every file with them.`;
  }
  return null;
}

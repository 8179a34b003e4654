/**
 * A resource's `data` that a store left out of a list page read with `ListQuery.renderedOnly`.
 *
 * @internal
 * @packageDocumentation
 */

/**
 * Thrown when something reads the `data` of a resource a store gave without it (see
 * `ListQuery.renderedOnly`): the handler then reads the page again with its data. @internal
 */
export class DataLeftOut extends Error {
  /** @param resourceType - the resource's type; @param id - its id */
  constructor(resourceType: string, id: string) {
    super(
      `the data of ${resourceType} "${id}" was left out of this read (ListQuery.renderedOnly): read it again without renderedOnly`,
    );
    this.name = 'DataLeftOut';
  }
}

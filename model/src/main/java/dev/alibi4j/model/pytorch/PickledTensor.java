package dev.alibi4j.model.pytorch;

/**
 * A tensor as the pickle describes it: a strided view of a storage.
 *
 * @param storage the storage viewed
 * @param dtype the element type
 * @param offset index of the first element in the storage, in elements
 * @param shape dimensions, outermost first
 * @param stride elements between neighbours along each dimension
 */
record PickledTensor(StorageRef storage, TorchDtype dtype, long offset, long[] shape, long[] stride) {

  @Override
  public String toString() {
    return "a tensor of " + storage;
  }
}

import { MongoClient } from 'mongodb';

/** A MongoDB client for the bench process: count the documents a consumer wrote, drop its database. */
export function createStoreClient(_root: string, uri: string): MongoClient {
  return new MongoClient(uri, { serverSelectionTimeoutMS: 5_000, socketTimeoutMS: 30_000 });
}

export type StoreClient = MongoClient;

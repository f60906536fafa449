// Realistic outputs for Google Cloud and random resources under mocks: what the real providers
// would return, derived from the inputs, so that the values wired into Heroku look like prod's.
import type { MockResult, RegisteredResource } from "./mockRuntime";

function fakeServiceAccountKey(email: string, project: string, keyName: string): string {
  const json = {
    type: "service_account",
    project_id: project,
    private_key_id: keyName.slice(-40).replace(/[^a-z0-9]/gi, "0"),
    private_key: "-----BEGIN PRIVATE KEY-----\nMOCK\n-----END PRIVATE KEY-----\n",
    client_email: email,
    client_id: "100000000000000000000",
    auth_uri: "https://accounts.google.com/o/oauth2/auth",
    token_uri: "https://oauth2.googleapis.com/token",
  };
  return Buffer.from(JSON.stringify(json, null, 2)).toString("base64");
}

/** Deterministic text of the requested length, standing in for a random password. */
function mockRandom(name: string, length: number): string {
  const alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
  let seed = [...name].reduce((h, c) => (h * 31 + c.charCodeAt(0)) >>> 0, 7);
  let text = "";
  for (let i = 0; i < length; i++) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    text += alphabet[seed % alphabet.length];
  }
  return text;
}

/** Returns mocked outputs for GCP and random resources, or undefined for other types. */
export function mockCloudResource(resource: RegisteredResource): MockResult | undefined {
  const inputs = resource.inputs;
  const project = String(inputs["project"] ?? "mock-project");
  switch (resource.type) {
    case "gcp:serviceaccount/account:Account": {
      const email = `${String(inputs["accountId"])}@${project}.iam.gserviceaccount.com`;
      const name = `projects/${project}/serviceAccounts/${email}`;
      return {
        id: name,
        state: { ...inputs, email, name, member: `serviceAccount:${email}`, uniqueId: "1" },
      };
    }
    case "gcp:serviceaccount/key:Key": {
      const accountName = String(inputs["serviceAccountId"]);
      const email = accountName.split("/").pop() ?? accountName;
      const keyName = `${accountName}/keys/${resource.name}`;
      const keyProject = accountName.split("/")[1] ?? project;
      return {
        id: keyName,
        state: {
          ...inputs,
          name: keyName,
          privateKey: fakeServiceAccountKey(email, keyProject, keyName),
          keyAlgorithm: "KEY_ALG_RSA_2048",
        },
      };
    }
    case "gcp:storage/bucket:Bucket": {
      const name = String(inputs["name"]);
      return {
        id: name,
        state: {
          ...inputs,
          url: `gs://${name}`,
          selfLink: `https://www.googleapis.com/storage/v1/b/${name}`,
        },
      };
    }
    case "gcp:projects/service:Service":
      return { id: `${project}/${String(inputs["service"])}`, state: inputs };
    case "gcp:projects/iAMMember:IAMMember":
      return {
        id: `${project}/${String(inputs["role"])}/${String(inputs["member"])}`,
        state: { ...inputs, etag: "BwYmock=" },
      };
    case "gcp:storage/bucketIAMMember:BucketIAMMember":
      // The provider's id: `b/<bucket> <role> <member>`.
      return {
        id: `b/${String(inputs["bucket"])} ${String(inputs["role"])} ${String(inputs["member"])}`,
        state: { ...inputs, etag: "CAE=" },
      };
    case "random:index/randomPassword:RandomPassword":
    case "random:index/randomString:RandomString": {
      const result = mockRandom(resource.name, Number(inputs["length"] ?? 32));
      return { id: "none", state: { ...inputs, result } };
    }
    default:
      return undefined;
  }
}

// Chaining calls across servers: read a file with one server, store what matters in another,
// then query it back. No intermediate data passes through the model.
// One arrow function: the editor then type-checks the `return`s, and Code Mode runs it.

async () => {
  const [root] = (await filesystem.listAllowedDirectories()).content.split('\n').slice(1);
  const { content } = await filesystem.readTextFile({ path: `${root}/data/customers.json` });
  const customers: { name: string; plan: string; seats: number; country: string }[] = JSON.parse(content);

  const enterprise = customers.filter((customer) => customer.plan === 'enterprise');
  await memory.createEntities({
    entities: enterprise.map((customer) => ({
      name: customer.name,
      entityType: 'enterprise-customer',
      observations: [`${customer.seats} seats`, `based in ${customer.country}`],
    })),
  });

  const found = await memory.searchNodes({ query: 'enterprise-customer' });
  return {
    stored: enterprise.map((customer) => customer.name),
    inMemoryNow: found.entities.map((entity) => `${entity.name}: ${entity.observations.join(', ')}`),
  };
};

from tests.stripe_fake.server import main

main()
